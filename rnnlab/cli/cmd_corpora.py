"""`rnnlab corpora`: the built-in texts, usable wherever a file path is as builtin:NAME."""

from __future__ import annotations

import json

from rnnlab.core.builtin_corpora import list_builtins


def add_parser(sub) -> None:
    p = sub.add_parser("corpora", help="list the built-in texts",
                       description="List built-in texts. Use them as builtin:NAME, or "
                                   "builtin:NAME,length=N,seed=S for the generated ones.")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    entries = list_builtins()
    if args.json:
        print(json.dumps([{"name": f"builtin:{e.name}", "chars": e.default_length,
                           "description": e.description} for e in entries], indent=2))
        return 0
    width = max(len(e.name) for e in entries) + len("builtin:")
    for e in entries:
        print(f"{'builtin:' + e.name:<{width}}  {e.default_length:>10,} chars  {e.description}")
    return 0
