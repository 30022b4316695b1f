"""Look: the colours, font sizes and pen widths of one theme (light or dark) and mode
(normal or presentation). Pure values: theme.py holds the app's current look and tells
the widgets that follow it."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication

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
