"""`rnnlab gui [TEXT]` (and plain `rnnlab`, and `rnnlab-gui`): open the desktop app."""

from __future__ import annotations

import importlib.util
import sys

from rnnlab.cli.errors import UsageError
from rnnlab.cli.xcb_libraries import xcb_problem


def add_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("text", nargs="?", help="a text file, builtin:NAME or a .rnnlab-lesson to open")
    p.set_defaults(run=run)


def run(args) -> int:
    if importlib.util.find_spec("rnnlab.gui.app") is None:
        raise UsageError("the desktop app is not part of this version yet; use `rnnlab train` "
                         "and `rnnlab sample` (see `rnnlab --help`)")
    problem = xcb_problem()  # before Qt loads: without these libraries it aborts the process
    if problem:
        raise UsageError(problem)
    from rnnlab.gui.app import main as gui_main

    return gui_main(args.text)


def gui_script() -> int:
    """`rnnlab-gui [TEXT]` (a gui-script: no console window on Windows): the window, as
    plain `rnnlab` opens it."""
    from rnnlab.cli.main import main  # main imports this module

    return main(["gui", *sys.argv[1:]])
