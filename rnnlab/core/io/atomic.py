"""Atomic file writes: either the whole new file is in place afterwards or the old one is
untouched (a temp file in the same folder, fsync, os.replace, fsync the folder).

Checkpoints, lessons, reports and CSV files all save this way. A failure raises SaveError (or the
exception the caller names), with a message for the user: "could not save x: Permission denied".

On Windows a virus scanner, the search indexer or OneDrive may hold the target open for a
moment, and os.replace then fails with PermissionError: replace_file tries again briefly.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import stat
import tempfile
import time

REPLACE_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.3, 0.4)  # s between tries: about 1 s in all, then the error stands


class SaveError(OSError):
    """A file that could not be written; the message is meant for the user."""


def atomic_write(path: str | os.PathLike, data: bytes, error: type[Exception] = SaveError) -> pathlib.Path:
    """Write `data` to `path` atomically; an OSError becomes `error("could not save ...")`."""
    path = pathlib.Path(path)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise error(f"could not save {path}: {reason(e)}") from e
    try:
        try:
            _copy_mode(fd, path)
            _write_all(fd, data)  # raw fd: no user-space buffer, so nothing to flush
            os.fsync(fd)
        finally:
            os.close(fd)
        replace_file(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise error(f"could not save {path}: {reason(e)}") from e
        raise
    _fsync_dir(folder)
    return path


def replace_file(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """os.replace(src, dst), tried again for about a second while dst is held by another
    program (PermissionError: on Windows, a scanner or a sync client that has it open)."""
    for delay in REPLACE_RETRY_DELAYS:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(src, dst)  # the last try: its error is the caller's


def check_writable(path: str | os.PathLike, error: type[Exception] = SaveError) -> pathlib.Path:
    """Raise `error` now if atomic_write(path) would fail for want of a folder or the right to
    write there, so that long work is not started for nothing. Makes and removes a temp file
    beside the target, the one test that holds on every platform and file system."""
    path = pathlib.Path(path)
    if path.is_dir():
        raise error(f"could not save {path}: it is a folder; give a file name")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise error(f"could not save {path}: {reason(e)}") from e
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return path


def reason(e: OSError) -> str:
    """The readable part of an OSError ("Permission denied"), without errno and path."""
    return e.strerror or (os.strerror(e.errno) if e.errno else str(e))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]  # os.write may write less than asked


def _copy_mode(fd: int, path: pathlib.Path) -> None:
    """mkstemp makes 0600 files; keep the old file's mode, else a normal 0644 (best-effort)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o644
    with contextlib.suppress(OSError, AttributeError):  # no fchmod on Windows
        os.fchmod(fd, mode)


def _fsync_dir(folder: pathlib.Path) -> None:
    """Make the rename itself durable; impossible on some platforms (Windows), so best-effort."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
