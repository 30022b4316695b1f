"""Crash recovery tells a running app's autosave folder from a dead one's by a lock that the
running app holds (the operating system frees a dead process's locks), not by probing a pid:
a real second process holds one, then is killed, or exits cleanly."""

import subprocess
import sys
from pathlib import Path

import pytest

from rnnlab.core.io.autosave import LATEST, MARKER, SessionFolder, autosave_root, leftovers

# Another rnnlab: it opens its autosave folder, leaves a model copy there, says where, then
# holds on until its stdin closes (a clean exit with "clean") or it is killed.
OTHER_APP = """
import sys
from rnnlab.core.io.autosave import LATEST, SessionFolder
session = SessionFolder()
session.begin()
(session.folder / LATEST).write_bytes(b"a model copy")
print(session.folder, flush=True)
sys.stdin.read()
if sys.argv[1:] == ["clean"]:
    session.end()
"""


@pytest.fixture
def other_app():
    """Start another app; (process, its autosave folder) once its folder is locked."""
    started = []

    def start(*args: str):
        proc = subprocess.Popen([sys.executable, "-c", OTHER_APP, *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        started.append(proc)
        printed = proc.stdout.readline().strip()  # once the lock is held
        assert printed, "the other app did not start"
        return proc, Path(printed)

    yield start
    for proc in started:
        proc.kill()
        proc.wait(30)
        proc.stdin.close()
        proc.stdout.close()


def test_a_running_apps_folder_is_left_alone_and_a_killed_ones_is_offered(other_app):
    proc, folder = other_app()
    assert (folder / MARKER).exists() and folder.parent == autosave_root()
    assert leftovers() == []  # alive: its lock is held
    proc.kill()  # a crash: no chance to tidy up
    proc.wait(30)
    [found] = leftovers()
    assert found.folder == folder and found.path.name == LATEST


def test_a_clean_exit_leaves_nothing_to_offer(other_app):
    proc, _ = other_app("clean")
    proc.stdin.close()
    assert proc.wait(30) == 0
    assert leftovers() == [] and list(autosave_root().iterdir()) == []


def test_this_apps_own_folder_is_not_a_leftover():
    session = SessionFolder()
    session.begin()
    session.latest.write_bytes(b"a model copy")
    assert leftovers() == []
    session.lock.release()  # as when the process dies
    assert [found.folder for found in leftovers()] == [session.folder]
    session.end()
    assert not session.folder.exists()


def test_a_dead_apps_folder_without_a_model_is_removed():
    session = SessionFolder()
    session.begin()
    session.lock.release()
    assert leftovers() == [] and not session.folder.exists()
