"""The main window's size and columns, fitted to the screen it opens on.

A fixed 1280x800 window on a 1280x800 screen with a title bar pushed the status bar off the
bottom; column widths saved on a small screen squeezed the plots on a big one (and the other
way round). So: the first size is the screen's available area (without its panels) less
room for a title bar, at most 1280x800; a restored geometry too big for this screen is
clamped once the window is shown (when its frame is known); the splitters' sizes are
remembered per screen size and used only on a screen of that size, and ignored when a
column would come out narrower than it needs; otherwise they are shared out for this width.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QSplitter

from rnnlab.gui.look import settings

DEFAULT_SIZE = QSize(1280, 800)
TITLE_BAR = 40  # px a window manager may add above the window: unknown until it is shown
SAMPLING_SHARE = 0.25  # of the width for the sampling column by default...
SAMPLING_WIDTH = (250, 380)  # ...within these bounds
LOSS_SHARE = 0.45  # of the middle column's height for the loss plot by default


def screen_key(window: QMainWindow) -> str:
    """"1280x800": the available size of the window's screen, naming its remembered columns."""
    area = window.screen().availableGeometry()
    return f"{area.width()}x{area.height()}"


def first_size(available: QRect) -> QSize:
    """The default size on a screen with this available area."""
    return QSize(min(DEFAULT_SIZE.width(), available.width()),
                 min(DEFAULT_SIZE.height(), available.height() - TITLE_BAR))


def restore(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    """The remembered geometry (or the first size) and this screen's remembered columns."""
    geometry = settings.value("geometry", None)
    if isinstance(geometry, (QByteArray, bytes)):
        window.restoreGeometry(geometry)
    else:
        window.resize(first_size(window.screen().availableGeometry()))
    restore_columns(window, splitters)
    window._fit_size = window.size()  # fitted once shown, unless someone sizes it before that
    QTimer.singleShot(0, window, lambda: fit(window, splitters))


def restore_columns(window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
    """The splitters' sizes remembered for this screen's size; False when there are none."""
    key = screen_key(window)
    restored = False
    for name, splitter in splitters.items():
        state = settings.value(f"splitters/{key}/{name}", None)
        if isinstance(state, (QByteArray, bytes)):
            restored = splitter.restoreState(state) or restored
    window._fit_restored_columns = restored
    return restored


def save(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    settings.set_value("geometry", window.saveGeometry())
    key = screen_key(window)
    for name, splitter in splitters.items():
        settings.set_value(f"splitters/{key}/{name}", splitter.saveState())


def fit(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    """Once shown: the window inside the screen's available area (unless a script or test
    chose its size meanwhile), the columns usable."""
    if window.size() == getattr(window, "_fit_size", None):
        fit_to_screen(window)
    if not getattr(window, "_fit_restored_columns", False) or not columns_usable(splitters):
        share_out(splitters)
        modes = getattr(window, "view_modes", None)
        if modes is not None:
            modes.fit_columns()  # presentation mode shares them out its own way


def fit_to_screen(window: QMainWindow) -> None:
    """Shrink and move a normal window so that it and its frame lie inside the available area."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = window.screen().availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    minimum = window.minimumSizeHint()
    width = max(min(inner.width(), area.width() - extra.width()), minimum.width())
    height = max(min(inner.height(), area.height() - extra.height()), minimum.height())
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    x = min(max(frame.x(), area.left()), max(area.left(), area.right() + 1 - width - extra.width()))
    y = min(max(frame.y(), area.top()), max(area.top(), area.bottom() + 1 - height - extra.height()))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def columns_usable(splitters: dict[str, QSplitter]) -> bool:
    """Every shown, unfolded pane at least as large as it needs (a folded one, 0, is a choice)."""
    for splitter in splitters.values():
        horizontal = splitter.orientation() == Qt.Orientation.Horizontal
        for index, size in enumerate(splitter.sizes()):
            widget = splitter.widget(index)
            if widget.isHidden() or size == 0:
                continue
            hint = widget.minimumSizeHint()
            if size < (hint.width() if horizontal else hint.height()):
                return False
    return True


def share_out(splitters: dict[str, QSplitter]) -> None:
    """The default columns for the window's width: the settings as wide as they need, the
    sampling a quarter (250-380 px), the plots the rest; the loss plot 45% of their height."""
    columns, centre = splitters.get("columns"), splitters.get("centre")
    if columns is not None and columns.count() == 3:
        total = sum(columns.sizes()) or columns.width()
        settings_column = columns.widget(0)
        need = getattr(settings_column, "content_width", settings_column.minimumSizeHint().width)()
        low, high = SAMPLING_WIDTH
        sampling = max(columns.widget(2).minimumSizeHint().width(), min(high, max(low, round(SAMPLING_SHARE * total))))
        columns.setSizes([need, max(total - need - sampling, 0), sampling])
    if centre is not None and centre.count() == 2:
        total = sum(centre.sizes()) or centre.height()
        inside = centre.widget(1).minimumSizeHint().height()
        loss = max(min(round(LOSS_SHARE * total), total - inside), centre.widget(0).minimumSizeHint().height())
        centre.setSizes([loss, total - loss])
