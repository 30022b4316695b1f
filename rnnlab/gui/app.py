"""Start the desktop app: `rnnlab`, `rnnlab gui [TEXT]`, `python -m rnnlab`."""

from __future__ import annotations

import sys
import time
import traceback

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QWidget

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


SPLASH_WAIT = 0.5  # s at most to wait for the window system to show the splash before loading on


class Splash(QLabel):
    """The icon and "loading PyTorch…" in a frameless window in the middle of the screen.

    Not a QSplashScreen: its show() waited a full second on X11 (Xvfb) before returning,
    and the one processEvents() after it had left it mapped but black. This window is
    on screen, painted, in a few milliseconds."""

    def __init__(self, pixmap: QPixmap) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        picture = QPixmap(200, 190)  # the icon on its own colour, the words under it, not over it
        picture.fill(pixmap.toImage().pixelColor(pixmap.width() // 8, pixmap.height() // 2))
        painter = QPainter(picture)
        painter.drawPixmap((picture.width() - 128) // 2, 8, pixmap.scaled(
            128, 128, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        painter.setPen(QColor(SPLASH_TEXT))
        painter.drawText(picture.rect().adjusted(0, 0, 0, -8), Qt.AlignmentFlag.AlignBottom
                         | Qt.AlignmentFlag.AlignHCenter, "rnnlab\nloading PyTorch…")
        painter.end()
        self.setPixmap(picture)
        self.resize(picture.size())
        area = QGuiApplication.primaryScreen().availableGeometry()
        self.move(area.center() - self.rect().center())

    def finish(self, window: QWidget) -> None:
        """Close once the window is on screen (the event loop's next turn paints it)."""
        QTimer.singleShot(0, self.close)


def splash() -> Splash | None:
    """Shown at once (PyTorch takes a couple of seconds to import on a laptop) and painted
    before this returns; none without the icon, rather than a pixmap of uninitialised memory."""
    pixmap = icon_pixmap()
    if pixmap.isNull():
        return None
    screen = Splash(pixmap)
    screen.show()
    deadline = time.monotonic() + SPLASH_WAIT
    handle = screen.windowHandle()
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    screen.repaint()  # paints now: the imports after this hold the event loop
    QApplication.processEvents()
    return screen


def start(argv: list[str] | None = None) -> QApplication:
    """The QApplication with rnnlab's names and icon, and the splash on screen: as early as
    possible (rnnlab.launch calls this before the command line's heavy imports). Once per
    application; main() calls it too."""
    global _early_splash, _started
    app = QApplication.instance() or QApplication((argv or sys.argv)[:1])
    if _started is not app:
        _started = app
        app.setApplicationName("rnnlab")
        app.setOrganizationName("rnnlab")
        app.setWindowIcon(app_icon())
        route_file_open_events(app)  # macOS: files double-clicked in Finder; before any can arrive
        _early_splash = splash()
    return app


_early_splash: Splash | None = None  # shown by start(), closed when the window shows
_started: QApplication | None = None  # the application start() has set up


def _report_uncaught(window):
    """A bug in a slot shows a message in the window instead of passing silently."""

    def hook(kind, value, tb):
        traceback.print_exception(kind, value, tb)
        window.show_message(logs.unexpected("Internal error", value.with_traceback(tb)), "error")

    return hook


def main(text: str | None = None) -> int:
    global _early_splash
    app = start()
    loading, _early_splash = _early_splash, None
    from rnnlab.gui.window.main_window import MainWindow  # heavy: torch, pyqtgraph

    window = MainWindow(text)
    sys.excepthook = _report_uncaught(window)
    window.show()
    if loading is not None:
        loading.finish(window)
    return app.exec()
