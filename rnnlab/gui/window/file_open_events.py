"""Files opened from the desktop on macOS (double-clicked in Finder, dropped on the Dock icon,
Open With): Qt hands them to the application as a QFileOpenEvent, not on the command line.

Each goes to the main window's open_file, the path a dropped file takes: a checkpoint opens as
File > Open checkpoint would, a lesson as Open lesson, anything else as a text; a problem is a
message in the window. One that comes before the window is on screen (a double-click that
starts rnnlab arrives while PyTorch loads) waits for it. Light on purpose: app.py installs
this before the heavy imports.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

FILE_OPEN = QEvent.Type.FileOpen
LAUNCH_SECONDS = 30.0  # Cocoa repeats the command line's files as open events while starting
RETRY_MS = 100  # how often a file that came before the window looks for it again


class FileOpenRouter(QObject):
    """An event filter on the application: QFileOpenEvent -> the main window's open_file."""

    def __init__(self, app: QApplication, argv: list[str] | None = None):
        super().__init__(app)
        self._pending: list[str] = []
        # Files named on the command line are opened by the window itself. Cocoa sends them
        # again as open events at launch; Qt drops those only for its own argv, and app.py
        # gives Qt just the program's name.
        self._from_command_line = {_same(a) for a in (sys.argv[1:] if argv is None else argv)}
        self._launch_ends = time.monotonic() + LAUNCH_SECONDS
        self.retry = QTimer(self)  # runs while a file waits for the window
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self._deliver)
        app.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() != FILE_OPEN:  # every event of the app passes here: keep this cheap
            return False
        path = event.file()
        if path and not self._repeats_command_line(path):
            self._pending.append(path)
            self._deliver()
        return True

    def waiting(self) -> tuple[str, ...]:
        """The files that came before the window and wait for it."""
        return tuple(self._pending)

    def _repeats_command_line(self, path: str) -> bool:
        same = _same(path)
        if same in self._from_command_line and time.monotonic() < self._launch_ends:
            self._from_command_line.discard(same)  # once: a later double-click opens it
            return True
        return False

    def _deliver(self) -> None:
        window = main_window()
        if window is None:
            self.retry.start()
            return
        self.retry.stop()
        paths, self._pending = self._pending, []
        for path in paths:
            window.open_file(path)


def main_window():
    """The main window on screen (the active one if several), or None before it shows."""
    active = QApplication.activeWindow()
    if active is not None and callable(getattr(active, "open_file", None)):
        return active
    shown = [w for w in QApplication.topLevelWidgets()
             if w.isVisible() and callable(getattr(w, "open_file", None))]
    return shown[0] if shown else None


def route_file_open_events(app: QApplication) -> FileOpenRouter:
    """Install the router on `app` (once: a second call returns the first router)."""
    router = app.findChild(FileOpenRouter)
    return router if router is not None else FileOpenRouter(app)


def _same(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))
