"""rnnlab.launch: the splash before the command line's heavy imports, only when the window opens."""

import subprocess
import sys

import pytest

from rnnlab import launch


def test_the_command_names_are_the_command_lines():
    from rnnlab.cli.main import _command_names, build_parser

    assert launch.COMMANDS == _command_names(build_parser())


@pytest.mark.parametrize(("argv", "window"), [
    ([], True), (["gui"], True), (["gui", "notes.txt"], True), (["notes.txt"], True),
    (["demo.rnnlab-lesson"], True), (["builtin:hello"], True), (["gui", "--help"], False),
    (["train", "builtin:hello"], False), (["corpora"], False), (["--version"], False), (["-h"], False)])
def test_opens_window(argv, window):
    assert launch.opens_window(argv) is window


def test_a_command_without_the_window_never_loads_qt():
    code = ("import sys; from rnnlab import launch; launch.early_splash(['corpora']); "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
