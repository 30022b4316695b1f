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
from dataclasses import dataclass
from typing import Any, Callable

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory, QWidget

try:  # PySide6's own: tells whether a wrapper's C++ object still exists
    from shiboken6 import isValid as _is_valid
except ImportError:  # pragma: no cover
    def _is_valid(_obj: object) -> bool:
        return True

THEMES = ("system", "light", "dark")
FONT_SCALE = 1.5  # presentation mode: every font this much larger...
LINE_SCALE = 2.0  # ...and every plotted line this much thicker
ALPHA_SCALE = 1.6  # ...and see-through colours (raw curves, legends) this much more opaque

# Plot colours as the panels name them (colors.py), replaced in the other looks.
_DARK_LINES = {
    "#1f77b4": "#5aa9e6",  # BLUE
    "#08306b": "#9ecae1",  # DARK_BLUE: the smoothed loss; dark blue vanishes on black
    "#999999": "#8c8c8c",
    "#2ca02c": "#5cc85c",
    "#d62728": "#f0605d",
    "#9467bd": "#b897dd",
    "#8c564b": "#c49c94",
    "#777777": "#9a9a9a",
}
_PRESENTATION_LIGHT = {"#ff7f0e": "#e05a00", "#999999": "#666666", "#777777": "#4d4d4d",
                       "#1f77b4": "#1565c0"}  # darker on white
_PRESENTATION_DARK = {"#08306b": "#bcdcf5", "#999999": "#aaaaaa"}

# (normal, presentation) per theme: stronger contrast in presentation mode
_ROLES = {
    False: {"background": ("#ffffff", "#ffffff"), "axis": ("#222222", "#000000"),
            "muted": ("#444444", "#1a1a1a"), "error": ("#c62828", "#b71c1c"),
            "warning": ("#a15c00", "#8a4f00"), "success": ("#1b5e20", "#124116")},
    True: {"background": ("#1e1e1e", "#121212"), "axis": ("#dddddd", "#ffffff"),
           "muted": ("#c8c8c8", "#f0f0f0"), "error": ("#ff8a80", "#ffaaa5"),
           "warning": ("#ffc266", "#ffd591"), "success": ("#81c784", "#a5d6a7")},
}
# message bar (text, background) per level; the dark ones after Bootstrap's dark mode
_MESSAGES = {
    False: {"warning": ("#7a4b00", "#fff3cd"), "error": ("#842029", "#f8d7da"), "info": ("#084298", "#cfe2ff")},
    True: {"warning": ("#ffe69c", "#3d2f00"), "error": ("#f1aeb5", "#4a1117"), "info": ("#b6d4fe", "#0a2a5c")},
}


@dataclass(frozen=True)
class Look:
    """Colours, font sizes and pen widths for one theme and mode."""

    dark: bool = False
    presentation: bool = False

    @property
    def font_scale(self) -> float:
        return FONT_SCALE if self.presentation else 1.0

    @property
    def line_scale(self) -> float:
        return LINE_SCALE if self.presentation else 1.0

    def pt(self, base: float) -> float:
        """A font size in points: `base` in the normal look."""
        return round(base * self.font_scale, 1)

    def css_pt(self, base: float) -> str:
        """pt() as CSS ("15pt"), for pyqtgraph's labels and titles."""
        return f"{self.pt(base):g}pt"

    def width(self, base: float) -> float:
        """A pen width in pixels: `base` in the normal look."""
        return base * self.line_scale

    def size(self, base: float) -> float:
        """A marker (dot) size: grows with the fonts."""
        return base * self.font_scale

    def alpha(self, base: int) -> int:
        """The opacity (0-255) of a see-through colour: more opaque in presentation mode."""
        return min(255, round(base * ALPHA_SCALE)) if self.presentation else int(base)

    def role(self, name: str) -> str:
        """"#rrggbb" of "background", "axis" (lines and text of plots), "muted" (explanations),
        "error", "warning" or "success" (message text)."""
        return _ROLES[self.dark][name][int(self.presentation)]

    @property
    def background(self) -> str:
        return self.role("background")

    @property
    def foreground(self) -> str:
        return self.role("axis")

    @property
    def grid_alpha(self) -> float:
        return 0.35 if self.presentation else 0.15

    def colour(self, colour: str | QColor, alpha: int | None = None) -> QColor:
        """A plot colour as this look draws it. `colour` is "#rrggbb" (colors.py's names;
        dark and presentation looks swap in lighter or stronger ones, white becomes the
        background) or a role name; `alpha` (0-255) makes it see-through."""
        if isinstance(colour, QColor):
            colour = colour.name()
        key = colour.lower()
        if key in ("w", "white"):
            key = "#ffffff"
        if key in _ROLES[False]:
            key = self.role(key)
        elif key == "#222222":  # colors.AXIS
            key = self.foreground
        elif key == "#ffffff":
            key = self.background
        else:
            if self.dark:
                key = _DARK_LINES.get(key, key)
            if self.presentation:
                key = (_PRESENTATION_DARK if self.dark else _PRESENTATION_LIGHT).get(key, key)
        result = QColor(key)
        if alpha is not None:
            result.setAlpha(self.alpha(alpha))
        return result

    def pen(self, colour: str | QColor, width: float = 1.0, dash: bool = False, alpha: int | None = None):
        """A cosmetic pen (its width in pixels at any zoom) in this look."""
        style = pg.QtCore.Qt.PenStyle.DashLine if dash else pg.QtCore.Qt.PenStyle.SolidLine
        return pg.mkPen(self.colour(colour, alpha), width=self.width(width), style=style)

    def brush(self, colour: str | QColor, alpha: int | None = None):
        return pg.mkBrush(self.colour(colour, alpha))

    def message_colors(self, level: str) -> tuple[str, str]:
        """(text, background) of the message bar for "warning", "error" or "info"."""
        table = _MESSAGES[self.dark]
        return table.get(level, table["info"])

    def font(self, base_pt: float = 10.0) -> QFont:
        """The application's font family at pt(base_pt)."""
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(self.pt(base_pt))
        return font

    def mono_font(self, base_pt: float | None = None) -> QFont:
        """The system's fixed-width font, never smaller than the application font (which is
        larger in presentation mode); at pt(base_pt) when that is given."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if base_pt is not None:
            font.setPointSizeF(self.pt(base_pt))
        elif QGuiApplication.font().pointSizeF() > font.pointSizeF():
            font.setPointSizeF(QGuiApplication.font().pointSizeF())
        return font

    def text_css(self, role: str | None) -> str:
        """A style sheet colouring a label's text by role ("" for none)."""
        return f"color: {self.role(role)};" if role else ""


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


def line_height(font: QFont | None = None) -> int:
    """Line spacing in pixels of `font` (default: the application font of the current look)."""
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(font or QGuiApplication.font()).lineSpacing()


def reset() -> None:
    """Back to the system theme, presentation mode off (tests)."""
    set_look("system", False)
