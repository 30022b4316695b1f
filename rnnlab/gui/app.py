"""Start the desktop app: `rnnlab`, `rnnlab gui [TEXT]`, `python -m rnnlab`."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSplashScreen

from rnnlab import resources
from rnnlab.core import logs
from rnnlab.gui.window.file_open_events import route_file_open_events

SPLASH_TEXT = "#ffffff"  # over the icon; not from look.colors, which would load pyqtgraph before the splash


def icon_pixmap() -> QPixmap:
    """The shipped icon (rnnlab/resources/icon.png); a null pixmap if it cannot be read."""
    pixmap = QPixmap()
    pixmap.loadFromData(resources.icon_bytes(), "PNG")
    return pixmap


def app_icon() -> QIcon:
    pixmap = icon_pixmap()
    return QIcon(pixmap) if not pixmap.isNull() else QIcon()


def splash() -> QSplashScreen | None:
    """Shown at once (PyTorch takes a couple of seconds to import on a laptop); none without
    the icon, rather than a pixmap of uninitialised memory."""
    pixmap = icon_pixmap()
    if pixmap.isNull():
        return None
    screen = QSplashScreen(pixmap.scaled(160, 160))
    screen.showMessage("rnnlab\nloading PyTorch…", Qt.AlignmentFlag.AlignBottom
                       | Qt.AlignmentFlag.AlignHCenter, QColor(SPLASH_TEXT))
    screen.show()
    return screen


def _report_uncaught(window):
    """A bug in a slot shows a message in the window instead of passing silently."""

    def hook(kind, value, tb):
        traceback.print_exception(kind, value, tb)
        window.show_message(logs.unexpected("Internal error", value.with_traceback(tb)), "error")

    return hook


def main(text: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("rnnlab")
    app.setOrganizationName("rnnlab")
    app.setWindowIcon(app_icon())
    route_file_open_events(app)  # macOS: files double-clicked in Finder; before any can arrive
    loading = splash()
    app.processEvents()
    from rnnlab.gui.window.main_window import MainWindow  # heavy: torch, pyqtgraph

    window = MainWindow(text)
    sys.excepthook = _report_uncaught(window)
    window.show()
    if loading is not None:
        loading.finish(window)
    return app.exec()
