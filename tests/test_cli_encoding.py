"""The command line writes UTF-8 whatever the console's locale: `rnnlab sample > file` on
Windows (cp1252) or under LC_ALL=C (ASCII) keeps characters outside those encodings, in the
text and in the messages. Run in a child Python with that locale."""

import os
import subprocess
import sys

import pytest

from rnnlab.cli.main import main
from tests.test_cli import TINY

TEXT = "日本語の文字\n" * 500  # no character of it is in cp1252 or ASCII
WINDOWS_REDIRECT = {"PYTHONIOENCODING": "cp1252"}  # what Python picks for `> file` on a cp1252 Windows
ASCII_CONSOLE = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": None}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("encoding")
    text = folder / "nihongo.txt"
    text.write_text(TEXT, encoding="utf-8")
    path = folder / "nihongo.rnnlab"
    assert main(["train", str(text), *TINY, "--steps", "3", "--json", "--out", str(path)]) == 0
    return path


def rnnlab(*args: str, env: dict) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONUTF8": "1"}  # argv as UTF-8, but the streams as `env` says
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run([sys.executable, "-m", "rnnlab", *args], capture_output=True, env=environment,
                          timeout=120)


@pytest.mark.parametrize("env", [WINDOWS_REDIRECT, ASCII_CONSOLE], ids=["cp1252", "LC_ALL=C"])
def test_sample_writes_utf8_whatever_the_locale(checkpoint, env):
    done = rnnlab("sample", str(checkpoint), "--length", "30", "--seed", "1", env=env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8").replace("\r\n", "\n")  # strict: any other encoding fails here
    assert len(text) == 30 + 1 and set(text) <= set(TEXT)  # 30 characters and the closing new line


def test_an_error_message_keeps_its_characters(checkpoint):
    done = rnnlab("sample", str(checkpoint), "--prime", "Жук", env=WINDOWS_REDIRECT)
    assert done.returncode == 2
    line = done.stderr.decode("utf-8")
    assert line.startswith("error: ") and "'Ж'" in line and line.count("\n") == 1
