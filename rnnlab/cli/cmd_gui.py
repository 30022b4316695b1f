"""`rnnlab gui [TEXT]` (and plain `rnnlab`): open the desktop app."""

from __future__ import annotations

import importlib.util

from rnnlab.cli.errors import UsageError


def add_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("text", nargs="?", help="a text file, builtin:NAME or a .rnnlab-lesson to open")
    p.set_defaults(run=run)


def run(args) -> int:
    if importlib.util.find_spec("rnnlab.gui.app") is None:
        raise UsageError("the desktop app is not part of this version yet; use `rnnlab train` "
                         "and `rnnlab sample` (see `rnnlab --help`)")
    from rnnlab.gui.app import main as gui_main

    return gui_main(args.text)
