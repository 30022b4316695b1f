"""`rnnlab` entry point: parse the command line and dispatch to one command module.

User mistakes (a bad file, a bad option value) end as one line `error: ...` on stderr and
exit code 2, never a traceback. Output is UTF-8 whatever the console's locale says, so
`rnnlab sample ckpt > out.txt` on Windows (cp1252) keeps every character of the vocabulary.
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys

from rnnlab import __version__
from rnnlab.cli import cmd_corpora, cmd_export, cmd_gui, cmd_inspect, cmd_ngram, cmd_race, cmd_sample, cmd_train
from rnnlab.cli.errors import USER_ERRORS, UsageError

COMMANDS = (cmd_gui, cmd_train, cmd_race, cmd_sample, cmd_inspect, cmd_export, cmd_corpora, cmd_ngram)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: same one-line form, exit 2
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rnnlab", description=(
        "A playground for character-level recurrent networks. With no command, opens the app."))
    parser.add_argument("--version", action="version", version=f"rnnlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def write_utf8() -> None:
    """Switch stdout and stderr to UTF-8 where the locale chose another encoding (a redirect
    on Windows gets cp1252; LC_ALL=C gets ASCII). A missing stream (a windowed app) is left."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if encoding and codecs.lookup(encoding).name != "utf-8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    write_utf8()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in _command_names(parser):
        argv = ["gui", *argv]  # `rnnlab notes.txt` or `rnnlab demo.rnnlab-lesson` opens the app on it
    args = parser.parse_args(argv)
    if args.command is None:
        args = build_parser().parse_args(["gui", *argv])
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `rnnlab sample ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no noise at exit
        return 0
    except (UsageError, *USER_ERRORS) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
