"""`rnnlab`, `rnnlab-gui` and `python -m rnnlab`: the splash first, then the command line.

The command line (rnnlab.cli.main) imports PyTorch before it parses anything (~1.3 s here,
more on a laptop), so a splash shown by the app came up as late as the window. When the
command line opens the window (no command, `gui`, or a text or lesson to open), this shows
the splash before importing it; every other command goes straight to it, without Qt.
"""

from __future__ import annotations

import sys

# rnnlab.cli.main's command names (tests/test_launch.py checks that they match): anything
# else as the first word is a file for the window to open
COMMANDS = frozenset({"gui", "train", "race", "sample", "inspect", "export", "corpora", "ngram"})


def opens_window(argv: list[str]) -> bool:
    """Whether the command line `argv` (without the program) opens the window."""
    if not argv:
        return True
    first = argv[0]
    if first == "gui":
        return not any(a in ("-h", "--help") for a in argv[1:])
    return not first.startswith("-") and first not in COMMANDS


def early_splash(argv: list[str]) -> None:
    """The splash now, if `argv` opens the window and Qt can start here (the command line
    says why not, once it gets there)."""
    if not opens_window(argv):
        return
    from rnnlab.cli.xcb_libraries import xcb_problem  # no Qt, no torch

    if xcb_problem():
        return
    from rnnlab.gui.app import start

    start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    early_splash(argv)
    from rnnlab.cli.main import main as cli_main  # heavy: torch

    return cli_main(argv)


def gui_script() -> int:
    """`rnnlab-gui [TEXT]`: the window, as plain `rnnlab` opens it."""
    return main(["gui", *sys.argv[1:]])
