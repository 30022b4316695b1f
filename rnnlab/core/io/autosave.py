"""Autosave folders: where a running app keeps copies of its model, and how the next launch
finds the copies of one that crashed.

    <data dir>/autosave/<pid>-<n>/session.lock    locked by the running app for as long as it runs
                              session.json    written when a window opens, removed when it closes
                              autosave.rnnlab  the model every few minutes
                              best.rnnlab      the model at its best validation loss so far

A folder whose session.json is still there but whose lock is free belongs to an app that was
killed or crashed (the operating system releases a dead process's locks): `leftovers()` lists
those that hold a model, newest first. A lock, not a pid probe: on Windows os.kill(pid, 0)
does not ask, it sends Ctrl+C; and anywhere a dead app's pid may have been reused.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.io.run_state import read_run_metadata
from rnnlab.core.paths import data_dir

LOCK, MARKER, LATEST, BEST = "session.lock", "session.json", "autosave.rnnlab", "best.rnnlab"


def autosave_root() -> Path:
    return data_dir() / "autosave"


@dataclass(frozen=True)
class Leftover:
    folder: Path
    path: Path  # the newest model copy in it
    saved_at: float  # its modification time
    step: int | None  # its step count, when the file says

    def describe(self) -> str:
        when = time.strftime("%H:%M on %d %b", time.localtime(self.saved_at))
        step = f" at step {self.step:,}" if self.step is not None else ""
        return f"a model autosaved {when}{step}"


class SessionFolder:
    """One window's autosave folder: made by begin(), removed by end()."""

    def __init__(self):
        self.folder = autosave_root() / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.lock: FileLock | None = None

    def begin(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(self.folder / LOCK)
        self.lock.acquire(timeout=0)  # before the marker: a marked folder is always locked while alive
        atomic_write(self.folder / MARKER, json.dumps({"pid": os.getpid(), "started": time.time()}).encode())

    @property
    def latest(self) -> Path:
        return self.folder / LATEST

    @property
    def best(self) -> Path:
        return self.folder / BEST

    def end(self) -> None:
        """A clean exit: nothing to restore next time."""
        (self.folder / MARKER).unlink(missing_ok=True)  # first: unmarked, it is nobody's leftover
        if self.lock is not None:
            self.lock.release()  # before removing: Windows cannot delete an open file
        shutil.rmtree(self.folder, ignore_errors=True)


def _in_use(folder: Path) -> bool:
    """True while a running app holds the folder's lock."""
    lock = FileLock(folder / LOCK)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):  # held, or cannot tell (a read-only folder?): leave it alone
        return True
    lock.release()
    return False


def leftovers() -> list[Leftover]:
    """Autosaves of apps that did not exit cleanly, newest first. Folders of dead apps with
    no model in them are removed on the way."""
    found = []
    root = autosave_root()
    for folder in (root.iterdir() if root.is_dir() else ()):
        if not (folder / MARKER).exists() or _in_use(folder):
            continue
        copies = [p for p in (folder / LATEST, folder / BEST) if p.exists()]
        if not copies:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        newest = max(copies, key=lambda p: p.stat().st_mtime)
        found.append(Leftover(folder, newest, newest.stat().st_mtime, _step(newest)))
    return sorted(found, key=lambda x: -x.saved_at)


def _step(path: Path) -> int | None:
    try:
        return int(read_run_metadata(path).get("counters", {}).get("step"))
    except (CheckpointError, OSError, TypeError, ValueError):
        return None


def discard(leftover: Leftover) -> None:
    shutil.rmtree(leftover.folder, ignore_errors=True)
