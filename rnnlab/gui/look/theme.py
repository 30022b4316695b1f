"""How everything looks: light and dark themes, and presentation mode (for a projector).

One app-wide `Look` says it: whether the theme is dark, whether presentation mode is on,
and from those the plot background, the axis and text colours, font sizes and pen widths.
Anything that draws asks the current look (`current()`) and registers with
`follow(obj, restyle)`: restyle(obj, look) is called at once and again after every change,
for as long as obj lives (obj is held weakly, and a Qt object deleted on the C++ side drops
out too). So a switch re-styles what is already on screen, and a widget built later starts
in the current look. colors.py builds the plots' helpers on this (style_axes, style_pen...).

`set_look(theme=..., presentation=...)` changes the application itself: the Fusion style
and a light or dark QPalette ("system" keeps the platform's own style and palette), the
application font (FONT_SCALE times larger in presentation mode, the original restored
exactly when it goes off) and pyqtgraph's default colours; then it restyles the followers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory, QWidget

try:  # PySide6's own: tells whether a wrapper's C++ object still exists
    from shiboken6 import isValid as _is_valid
except ImportError:  # pragma: no cover
    def _is_valid(_obj: object) -> bool:
        return True

from rnnlab.gui.look.look import FONT_SCALE, THEMES, Look

# ----- the application's state -------------------------------------------------------------


class _Notifier(QObject):
    changed = Signal(object)  # the new Look


class _State:
    def __init__(self) -> None:
        self.theme = "system"
        self.presentation = False
        self.look: Look | None = None  # made on first use: "system" needs the app's palette
        self.original: tuple[str, QPalette, QFont] | None = None  # style, palette, font at start
        self.followers: dict[int, tuple[weakref.ref, Callable]] = {}
        self.next_key = 0
        self.notifier: _Notifier | None = None


_state = _State()


def _app() -> QApplication | None:
    app = QCoreApplication.instance()
    return app if isinstance(app, QApplication) else None


def _system_is_dark() -> bool:
    app = _app()
    if app is None:
        return False
    palette = _state.original[1] if _state.original else app.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def current() -> Look:
    """The look everything is drawn in now."""
    if _state.look is None:
        _state.look = Look(dark=_system_is_dark(), presentation=False)
    return _state.look


def theme() -> str:
    """"system", "light" or "dark"."""
    return _state.theme


def presentation() -> bool:
    return _state.presentation


def notifier() -> _Notifier:
    """A QObject whose `changed(Look)` signal follows every change (after the restyling)."""
    if _state.notifier is None:
        _state.notifier = _Notifier()
    return _state.notifier


def follow(obj: Any, restyle: Callable[[Any, Look], None]) -> None:
    """restyle(obj, look) now and after every change of the look, while obj lives.

    obj is held weakly: restyle must not hold it (it is handed obj each time). An obj whose
    Qt (C++) side has been deleted is dropped."""
    restyle(obj, current())
    key = _state.next_key
    _state.next_key += 1
    followers = _state.followers
    followers[key] = (weakref.ref(obj, lambda _ref, k=key: followers.pop(k, None)), restyle)


def follower_count() -> int:
    """How many objects follow the look (for tests)."""
    return len(_state.followers)


def _restyle_all(look: Look) -> None:
    for key, (ref, restyle) in list(_state.followers.items()):
        obj = ref()
        if obj is None or not _alive(obj):
            _state.followers.pop(key, None)
            continue
        try:
            restyle(obj, look)
        except RuntimeError as exc:  # a wrapper whose C++ object went away meanwhile
            if "already deleted" not in str(exc):
                raise
            _state.followers.pop(key, None)


def _alive(obj: Any) -> bool:
    try:
        return _is_valid(obj)
    except TypeError:  # not a Qt object
        return True


def set_look(theme: str | None = None, presentation: bool | None = None) -> Look:  # noqa: A002
    """Switch the theme ("system", "light", "dark") and/or presentation mode; None keeps
    that one. Changes the application (style, palette, font) and restyles every follower."""
    if theme is not None and theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: choose one of {', '.join(THEMES)}")
    new_theme = _state.theme if theme is None else theme
    new_presentation = _state.presentation if presentation is None else bool(presentation)
    old = current()
    app = _app()
    if app is not None and _state.original is None:
        _state.original = (app.style().name(), QPalette(app.palette()), QFont(app.font()))
    theme_changed = new_theme != _state.theme
    font_changed = new_presentation != _state.presentation
    _state.theme, _state.presentation = new_theme, new_presentation
    if app is not None:
        if theme_changed:
            _apply_palette(app, new_theme)
        if font_changed:
            _apply_font(app, new_presentation)
    dark = (new_theme == "dark") or (new_theme == "system" and _system_is_dark())
    look = Look(dark=dark, presentation=new_presentation)
    _state.look = look
    pg.setConfigOptions(background=look.background, foreground=look.foreground)
    if look != old or theme_changed:
        _restyle_all(look)
        notifier().changed.emit(look)
    return look


def _apply_palette(app: QApplication, name: str) -> None:
    style_name, palette, _font = _state.original
    if name == "system":
        if app.style().name().lower() != style_name.lower():
            app.setStyle(QStyleFactory.create(style_name))
        app.setPalette(palette)
        return
    if app.style().name().lower() != "fusion":
        app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(dark_palette() if name == "dark" else light_palette())


def _apply_font(app: QApplication, on: bool) -> None:
    base = _state.original[2]
    font = QFont(base)
    if on:
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * FONT_SCALE)
        else:
            font.setPixelSize(round(base.pixelSize() * FONT_SCALE))
    app.setFont(font)
    # the widgets hear of it from posted events: deliver them now, so that sizes measured
    # by the followers (line heights, minimum widths) are measured in the new font
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)


def light_palette() -> QPalette:
    """Fusion's own light palette."""
    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> QPalette:
    """Light text on dark grey; links and selections readable on it."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#eeeeee"), (roles.Base, "#1e1e1e"),
                         (roles.AlternateBase, "#262626"), (roles.ToolTipBase, "#3c3c3c"),
                         (roles.ToolTipText, "#eeeeee"), (roles.PlaceholderText, "#9a9a9a"),
                         (roles.Text, "#eeeeee"), (roles.Button, "#3a3a3a"), (roles.ButtonText, "#eeeeee"),
                         (roles.BrightText, "#ff6e6e"), (roles.Light, "#5a5a5a"), (roles.Midlight, "#464646"),
                         (roles.Mid, "#303030"), (roles.Dark, "#1a1a1a"), (roles.Shadow, "#000000"),
                         (roles.Highlight, "#2a6fc9"), (roles.HighlightedText, "#ffffff"),
                         (roles.Link, "#7fb8ff"), (roles.LinkVisited, "#c4a5ff")):
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role, colour in ((roles.WindowText, "#7d7d7d"), (roles.Text, "#7d7d7d"), (roles.ButtonText, "#7d7d7d"),
                         (roles.Highlight, "#4a4a4a"), (roles.HighlightedText, "#bbbbbb"),
                         (roles.Base, "#252525"), (roles.Button, "#333333")):
        palette.setColor(disabled, role, QColor(colour))
    return palette


# ----- small helpers for widgets ---------------------------------------------------------


def set_text_role(widget: QWidget, role: str | None) -> None:
    """Colour a label's text by role ("muted", "error", "warning", "success"; None: the palette's own),
    in the current theme and every later one."""
    widget.setProperty("rnnlabTextRole", role or "")
    if not widget.property("rnnlabFollowsTextRole"):
        widget.setProperty("rnnlabFollowsTextRole", True)
        follow(widget, _restyle_text_role)
    else:
        _restyle_text_role(widget, current())


def _restyle_text_role(widget: QWidget, look: Look) -> None:
    widget.setStyleSheet(look.text_css(widget.property("rnnlabTextRole") or None))


def follow_mono_font(widget: QWidget, base_pt: float | None = None) -> None:
    """Give a text view the fixed-width font of the current look (see Look.mono_font), now
    and after every change. A QTextEdit's document gets it as its default font too."""
    follow(widget, lambda w, look: _set_mono(w, look.mono_font(base_pt)))


def _set_mono(widget: QWidget, font: QFont) -> None:
    widget.setFont(font)
    document = getattr(widget, "document", None)
    if callable(document):
        document().setDefaultFont(font)


def follow_lines(widget: QWidget, minimum: int | None = None, maximum: int | None = None,
                 fixed: int | None = None, pad: int = 12, font: Callable[[QWidget], QFont] | None = None) -> None:
    """Heights of a text view counted in lines of the application font (or of font(widget)),
    plus `pad` pixels: kept right when the font grows or shrinks."""
    def restyle(w: QWidget, _look: Look) -> None:
        line = line_height(font(w) if font else None)
        if fixed is not None:
            w.setFixedHeight(fixed * line + pad)
        if minimum is not None:
            w.setMinimumHeight(minimum * line + pad)
        if maximum is not None:
            w.setMaximumHeight(maximum * line + pad)
    follow(widget, restyle)


def follow_min_width(widget: QWidget, pixels: int) -> None:
    """A minimum width of `pixels` in the normal look, wider as the fonts grow."""
    def restyle(w: QWidget, look: Look) -> None:
        w.setMinimumWidth(round(pixels * look.font_scale))
        if isinstance(w, QLabel):  # a label keeps its size hints, which include the minimum...
            w.setIndent(w.indent())  # ...until told that something changed
    follow(widget, restyle)


def follow_min_height(widget: QWidget, pixels: int) -> None:
    """A minimum height of `pixels` in the normal look, taller as the fonts grow (a plot
    whose axes' labels grow keeps room for its data)."""
    follow(widget, lambda w, look: w.setMinimumHeight(round(pixels * look.font_scale)))


def line_height(font: QFont | None = None) -> int:
    """Line spacing in pixels of `font` (default: the application font of the current look)."""
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(font or QGuiApplication.font()).lineSpacing()


def reset() -> None:
    """Back to the system theme, presentation mode off (tests)."""
    set_look("system", False)
