"""Shared colours: a colour-blind-safe palette and the heatmap colour maps.

Diverging map (values around 0, e.g. tanh outputs):  blue (negative) -> white (0) -> red.
Sequential map (values in [0, 1], e.g. sigmoid gates): white (closed) -> dark purple (open).
Both are built from ColorBrewer ramps (RdBu, Purples), readable for the common forms of
colour blindness. `value_colors` maps numbers to "#rrggbb" with the same ramps, so a
text coloured by a unit matches the heatmap beside it.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

# Line colours (matplotlib's "tab10", colour-blind-safe as a pair).
BLUE = "#1f77b4"
DARK_BLUE = "#08306b"
ORANGE = "#ff7f0e"
AXIS = "#222222"
RUN_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # tab10: one per race contender

_DIVERGING = ((0.0, "#2166ac"), (0.25, "#92c5de"), (0.5, "#ffffff"), (0.75, "#f4a582"), (1.0, "#b2182b"))
_SEQUENTIAL = ((0.0, "#ffffff"), (0.5, "#9e9ac8"), (1.0, "#3f007d"))
_SURPRISE = ((0.0, "#ffffff"), (0.25, "#fcbba1"), (0.5, "#fb6a4a"), (0.75, "#cb181d"), (1.0, "#67000d"))  # Reds
MAX_BITS = 8.0  # surprise: the darkest red at this many bits or more


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _colormap(stops, name: str) -> pg.ColorMap:
    pos = np.array([p for p, _ in stops])
    rgb = np.array([_rgb(c) for _, c in stops], dtype=np.ubyte)
    return pg.ColorMap(pos, rgb, name=name)


def style_axes(item: pg.PlotItem) -> None:
    """The house look of a plot's left and bottom axes: dark lines and 10 pt tick labels."""
    tick_font = pg.QtGui.QFont()
    tick_font.setPointSize(10)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(AXIS)
        axis.setTextPen(AXIS)
        axis.setTickFont(tick_font)


def diverging_map() -> pg.ColorMap:
    """blue -> white -> red, white at the middle of the levels."""
    return _colormap(_DIVERGING, "rnnlab-diverging")


def sequential_map() -> pg.ColorMap:
    """white -> dark purple, for quantities in [0, 1]."""
    return _colormap(_SEQUENTIAL, "rnnlab-sequential")


def value_colors(values: np.ndarray, levels: tuple[float, float], diverging: bool = True) -> list[str]:
    """"#rrggbb" per value, clipped to levels, with the heatmap's colour ramp."""
    lo, hi = levels
    return _ramp_colors((np.asarray(values, dtype=np.float64) - lo) / ((hi - lo) or 1.0),
                        _DIVERGING if diverging else _SEQUENTIAL)


def surprise_colors(bits: np.ndarray) -> list[str]:
    """"#rrggbb" per surprisal (bits): white at 0 to dark red at MAX_BITS or more."""
    return _ramp_colors(np.asarray(bits, dtype=np.float64) / MAX_BITS, _SURPRISE)


def _ramp_colors(frac: np.ndarray, stops) -> list[str]:
    """"#rrggbb" per fraction along the colour stops (clipped to [0, 1]; NaN -> 0)."""
    frac = np.clip(np.nan_to_num(np.atleast_1d(frac)), 0.0, 1.0)
    pos = np.array([p for p, _ in stops])
    rgb = np.array([_rgb(c) for _, c in stops], dtype=np.float64)  # (S, 3)
    channels = [np.interp(frac, pos, rgb[:, k]) for k in range(3)]
    out = np.rint(np.stack(channels, axis=-1)).astype(int)  # (N, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in out]


def text_on(background: str) -> str:
    """Black or white text, whichever reads better on a "#rrggbb" background."""
    r, g, b = _rgb(background)
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def activation_html(symbols: list[str], values: np.ndarray, levels: tuple[float, float],
                    diverging: bool = True) -> str:
    """Rich text: each symbol on a background coloured by its value, one <span> per symbol.
    A symbol "⏎" (a newline shown visibly) is followed by a line break."""
    spans = []
    for sym, bg in zip(symbols, value_colors(values, levels, diverging)):
        shown = "&nbsp;" if sym == " " else html.escape(sym)
        spans.append(f'<span style="background-color:{bg}; color:{text_on(bg)}">{shown}</span>')
        if sym == "⏎":
            spans.append("<br>")
    return '<span style="font-family: monospace;">' + "".join(spans) + "</span>"
