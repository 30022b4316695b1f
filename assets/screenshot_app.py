"""What the screenshot scripts share: the Qt event loop for a while, and a first-time user's window."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


def wait(seconds: float) -> None:
    """Run the Qt event loop for `seconds` (timers, queued signals and painting go on)."""
    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout: float, poll: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        wait(poll)
    return condition()


def first_time_window(corpus: str):
    """(the application, a main window on `corpus`) with fresh settings, as a new user sees it."""
    app = QApplication(sys.argv[:1])
    from rnnlab.gui import MainWindow
    from rnnlab.gui.app import app_icon
    from rnnlab.gui.look import settings

    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")  # a first-time user
    app.setWindowIcon(app_icon())
    return app, MainWindow(corpus)
