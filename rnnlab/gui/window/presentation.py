"""The View menu's state for the main window: presentation mode, full screen and the theme.

Presentation mode and the theme are app-wide (theme.py does the work: fonts, palette, plot
colours and pens); they are remembered in the settings and restored at the next launch.
Full screen returns to the window's previous state (maximised or normal) when it ends, and
the menu's tick follows the window when something else (the window manager, a restored
geometry) changes its state.

Larger fonts make every panel wider, and presentation mode shows fewer things
(presentation_layout.py). Switching it on shares the window's width out again: the
settings column folded away (the splitter handle at the left edge brings it back), the
sample SAMPLE_SHARE of the width, the plots in the middle the rest, the loss plot
LOSS_SHARE of their height. Switching it off puts the columns back as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from rnnlab.gui.look import settings, theme

THEME_KEY = "view/theme"
PRESENTATION_KEY = "view/presentation"
THEME_ACTIONS = {"system": "use_system_theme", "light": "use_light_theme", "dark": "use_dark_theme"}
SAMPLE_SHARE = 0.3  # of the width for the sample in presentation mode; the plots the rest
LOSS_SHARE = 0.45  # of the middle column's height for the loss plot in presentation mode (its labels grew)
FOLDED_MESSAGE = "Settings: drag the left edge"  # short: at 1024 px the status bar has room for little more


def stored_theme() -> str:
    name = settings.value(THEME_KEY, "system", str)
    return name if name in theme.THEMES else "system"


def stored_presentation() -> bool:
    return bool(settings.value(PRESENTATION_KEY, False, bool))


class ViewModes(QObject):
    """Applies and remembers the View menu's choices; keeps its ticks in step."""

    def __init__(self, window: QMainWindow, actions: dict[str, QAction], columns: QSplitter,
                 centre: QSplitter) -> None:
        """columns: the window's three columns (settings, plots, sampling); centre: the middle
        column's two rows (loss plot, inside the network)."""
        super().__init__(window)
        self._window = window
        self._columns, self._centre = columns, centre
        self._centre_before: list[int] | None = None  # the rows' heights before presentation mode
        self._actions = actions
        self._state_before_full_screen = Qt.WindowState.WindowNoState
        self._sizes_before: list[int] | None = None  # the columns' widths before presentation mode
        window.installEventFilter(self)
        theme.set_look(stored_theme(), stored_presentation())
        self._sync()

    # ----- the three switches -----
    def set_presentation(self, on: bool | None = None) -> None:
        """Large fonts, thick lines, strong colours everywhere (None: toggle)."""
        on = not theme.presentation() if on is None else bool(on)
        changed = on != theme.presentation()
        splitter = self._splitter()
        if changed and on and splitter is not None:
            self._sizes_before = splitter.sizes()
        theme.set_look(presentation=on)
        settings.set_value(PRESENTATION_KEY, on)
        if changed and splitter is not None:
            self._share_width(splitter, on)
        self._sync()

    def _splitter(self) -> QSplitter | None:
        return self._columns if self._columns.count() == 3 else None

    def _share_width(self, splitter: QSplitter, on: bool) -> None:
        """Columns (settings, plots, sampling) for the new font size; see the module docstring."""
        self._share_height(on)
        sizes = splitter.sizes()
        total = sum(sizes)
        minimum = [_needed_width(splitter.widget(k)) for k in range(3)]
        if on:
            sampling = max(minimum[2], round(SAMPLE_SHARE * total))
            splitter.setSizes([0, total - sampling, sampling])  # the settings folded: fewer things
            self._window.statusBar().showMessage(FOLDED_MESSAGE, 10000)
        elif self._sizes_before is not None:
            splitter.setSizes(self._sizes_before)
            self._sizes_before = None
        elif sizes[0] == 0:  # started in presentation mode, folded: open the settings again
            splitter.setSizes([minimum[0], max(total - minimum[0] - sizes[2], 0), sizes[2]])

    def fit_columns(self) -> None:
        """In presentation mode, its columns and rows again (the window's first layout
        shared them out for the normal look)."""
        splitter = self._splitter()
        if theme.presentation() and splitter is not None:
            self._share_width(splitter, True)

    def set_theme(self, name: str) -> None:
        """"system", "light" or "dark"."""
        theme.set_look(theme=name)
        settings.set_value(THEME_KEY, name)
        self._sync()

    def set_full_screen(self, on: bool | None = None) -> None:
        """Full screen, or back to the state before it (None: toggle)."""
        window = self._window
        on = not window.isFullScreen() if on is None else bool(on)
        if on and not window.isFullScreen():
            self._state_before_full_screen = window.windowState() & ~Qt.WindowState.WindowFullScreen
            window.showFullScreen()
        elif not on and window.isFullScreen():
            if self._state_before_full_screen & Qt.WindowState.WindowMaximized:
                window.showMaximized()
            else:
                window.showNormal()
        self._sync()

    def _share_height(self, on: bool) -> None:
        """The loss plot a larger share of the middle column (its larger labels need room)."""
        centre = self._centre
        if centre.count() != 2:
            return
        if on:
            if self._centre_before is None:  # not again when fit_columns shares them out anew
                self._centre_before = centre.sizes()
            total = sum(centre.sizes())
            loss = round(LOSS_SHARE * total)
            centre.setSizes([loss, total - loss])
        elif self._centre_before:
            centre.setSizes(self._centre_before)
            self._centre_before = None

    # ----- keeping the menu right -----
    def _sync(self) -> None:
        self._check("toggle_presentation", theme.presentation())
        self._check("toggle_full_screen", self._window.isFullScreen())
        for name, handler in THEME_ACTIONS.items():
            self._check(handler, theme.theme() == name)

    def _check(self, handler: str, on: bool) -> None:
        action = self._actions.get(handler)
        if action is not None and action.isChecked() != on:
            action.setChecked(on)  # toggled, not triggered: the handlers do not run again

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._window and event.type() == QEvent.Type.WindowStateChange:
            self._check("toggle_full_screen", self._window.isFullScreen())
        return False


def _needed_width(widget: QWidget) -> int:
    """The width a column needs to show all of itself (a squeezable one may go narrower;
    a hidden one, e.g. by a lesson, none)."""
    if widget.isHidden():
        return 0
    content = getattr(widget, "content_width", None)
    if callable(content):
        return content()
    return max(widget.minimumSizeHint().width(), widget.minimumWidth())
