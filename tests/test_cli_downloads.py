"""`rnnlab corpora` with downloadable texts: the list, --download against a local server,
one-line errors with exit 2, Ctrl-C, and download:NAME as a training text."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

from rnnlab.core.data.downloads import cache_dir
from tests.local_server import body, gutenberg_file, stall, status
from tests.test_cli import TINY, interruptible, json_lines, run_cli, sends_sigint  # the CLI tests' own helpers

BOOK = "Down, down, down. Would the fall never come to an end? she said.\n" * 200


def test_list_shows_the_downloadable_texts_and_their_state(capsys, local_server):
    code, out, _ = run_cli(capsys, "corpora")
    assert code == 0 and "builtin:hello" in out
    line = next(line for line in out.splitlines() if "download:alice" in line)
    assert "not yet" in line and "about 170 kB" in line
    assert str(cache_dir()) in out
    local_server.add("alice.txt", body(gutenberg_file(BOOK)))
    assert run_cli(capsys, "corpora", "--download", "alice", "--base-url", local_server.base)[0] == 0
    code, out, _ = run_cli(capsys, "corpora", "--json")
    alice = next(e for e in json.loads(out) if e["name"] == "download:alice")
    assert alice["cached"] is True and alice["path"] == str(cache_dir() / "alice.txt")
    assert next(e for e in json.loads(out) if e["name"] == "builtin:hello")["chars"] == 20_000


def test_download_then_already_there_without_a_request(capsys, local_server, monkeypatch):
    local_server.add("alice.txt", body(gutenberg_file(BOOK)))
    monkeypatch.setenv("RNNLAB_DOWNLOAD_URL", local_server.base)  # the mirror from the environment
    code, _, err = run_cli(capsys, "corpora", "--download", "alice")
    assert code == 0
    assert "Alice's Adventures in Wonderland: downloaded" in err and "use it as download:alice" in err
    assert (cache_dir() / "alice.txt").read_bytes() == gutenberg_file(BOOK)
    code, out, _ = run_cli(capsys, "corpora", "--download", "alice", "--json")
    (record,) = json_lines(out)
    assert code == 0 and record["event"] == "downloaded" and record["already"] is True
    assert local_server.requests == ["/alice.txt"]


def test_download_errors_are_one_line_and_exit_2(capsys, local_server):
    local_server.add("pride.txt", status(404))
    for args, words in ((["pride", "--base-url", local_server.base], "HTTP 404 Not Found"),
                        (["hamlet"], "Unknown downloadable text 'hamlet'"),
                        (["alice", "--base-url", "http://127.0.0.1:1"], "refused the connection")):
        code, out, err = run_cli(capsys, "corpora", "--download", *args)
        assert code == 2, args
        last = err.splitlines()[-1]  # after "downloading ... into ..." when it got that far
        assert last.startswith("error: ") and words in last and "Traceback" not in err
    assert not cache_dir().exists() or os.listdir(cache_dir()) == []


@sends_sigint
def test_ctrl_c_cancels_and_keeps_nothing(tmp_path, local_server):
    stop = threading.Event()
    book = gutenberg_file(BOOK * 20)  # a first part, then nothing until the test is done
    local_server.add("sherlock.txt", stall(stop, head=book[:4096], announce=len(book)))
    env = {**os.environ, "RNNLAB_DATA_DIR": str(tmp_path / "data"),
           "RNNLAB_DOWNLOAD_URL": local_server.base}
    proc = interruptible([sys.executable, "-m", "rnnlab", "corpora", "--download", "sherlock"],
                         env=env, stderr=subprocess.PIPE, text=True)
    folder = tmp_path / "data" / "corpora"
    deadline = time.monotonic() + 30
    while not (folder.is_dir() and os.listdir(folder)) and time.monotonic() < deadline:
        time.sleep(0.05)  # the part file appears when the download starts
    proc.send_signal(signal.SIGINT)  # mid-download: the server holds back the rest
    _, err = proc.communicate(timeout=30)
    stop.set()
    assert proc.returncode == 130 and "cancelled" in err and "Traceback" not in err
    assert os.listdir(folder) == []


def test_train_on_a_downloaded_text(capsys, local_server, tmp_path, monkeypatch):
    code, _, err = run_cli(capsys, "train", "download:alice", *TINY, "--steps", "2")
    assert code == 2 and "rnnlab corpora --download alice" in err
    local_server.add("alice.txt", body(gutenberg_file(BOOK)))
    run_cli(capsys, "corpora", "--download", "alice", "--base-url", local_server.base)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "train", "download:alice", *TINY, "--steps", "2", "--json")
    assert code == 0
    assert json_lines(out)[-1]["checkpoint"] == str(tmp_path / "alice-lstm.rnnlab")
    code, out, _ = run_cli(capsys, "inspect", "alice-lstm.rnnlab", "--json")
    assert json.loads(out)["corpus"]["source"] == "download:alice"
    code, out, _ = run_cli(capsys, "train", "--resume", "alice-lstm.rnnlab", "--steps", "1", "--json")
    assert code == 0 and json_lines(out)[-1]["steps"] == 3
