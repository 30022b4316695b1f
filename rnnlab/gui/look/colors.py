"""Shared colours: a colour-blind-safe palette and the heatmap colour maps.

Diverging map (values around 0, e.g. tanh outputs):  blue (negative) -> white (0) -> red.
Sequential map (values in [0, 1], e.g. sigmoid gates): white (closed) -> dark purple (open).
Both are built from ColorBrewer ramps (RdBu, Purples), readable for the common forms of
colour blindness. `value_colors` maps numbers to "#rrggbb" with the same ramps, so a
text coloured by a unit matches the heatmap beside it.

The plot helpers (style_axes, set_label, set_title, add_legend, style_view, style_pen...)
draw in the current theme.Look and restyle what they styled when the theme or
presentation mode changes, so that a panel names its colours and base sizes once.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from rnnlab.gui.look import label_room, theme, tick_room

# Line colours (matplotlib's "tab10", colour-blind-safe as a pair).
BLUE = "#1f77b4"
DARK_BLUE = "#08306b"
ORANGE = "#ff7f0e"
GREEN = "#2ca02c"  # the learning rate, on the loss plot's right axis
AXIS = "#222222"
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")  # matplotlib's first six
RUN_COLORS = TAB10[:4]  # one per race contender
LAYER_COLORS = TAB10  # one per layer (gradient flow)
MARKER = "#000000"  # the outline of the chosen column on a heatmap (its maps are pale in the middle)
BASELINE = "#777777"  # a reference level: the n-gram baseline in the race
GUIDE = "#999999"  # a guide line, e.g. the gates' diagonal
ON_DARK = "#ffffff"  # text over DARK_BLUE (the chosen character)

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


def ink(colour: str) -> str:
    """A line colour as text in the current look ("#rrggbb"): lighter on dark, stronger
    when presenting. For rich text drawn now (titles, tables); redraw it after a switch."""
    return theme.current().colour(colour).name()


def style_axes(item: pg.PlotItem, tick_font: Callable[[theme.Look], QtGui.QFont] | None = None) -> None:
    """The house look of a plot, kept up with the theme and presentation mode: axis lines
    and tick labels in the look's foreground at 10 pt (15 in presentation mode; `tick_font`
    gives another font), the grid, and the axis labels and title set with set_label and
    set_title. Tick labels never overlap (tick_room)."""
    item._rnnlab_tick_font = tick_font
    for side in ("left", "bottom", "right", "top"):
        tick_room.keep_labels_apart(item.getAxis(side))
    theme.follow(item, _restyle_plot)


def _restyle_plot(item: pg.PlotItem, look: theme.Look) -> None:
    make_font = getattr(item, "_rnnlab_tick_font", None)
    tick_font = make_font(look) if make_font else look.font(10)
    fg = look.foreground
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(fg, width=look.width(1)))
        axis.setTextPen(fg)
        axis.setTickFont(tick_font)
        if axis.grid is not False:
            axis.setGrid(int(look.grid_alpha * 255))
        base = getattr(axis, "_rnnlab_label_pt", None)
        if base is not None:
            axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix,
                          **{"font-size": look.css_pt(base), "color": fg})
            label_room.refit(axis)
    _restyle_title(item, look)


def set_label(item: pg.PlotItem, side: str, text: str, pt: float = 10, short: str | None = None) -> None:
    """An axis label of `pt` points (larger in presentation mode) in the look's foreground;
    `short` in its place where the axis is too short for `text` (label_room)."""
    axis = item.getAxis(side)
    axis._rnnlab_label_pt = pt
    look = theme.current()
    axis.setLabel(text, **{"font-size": look.css_pt(pt), "color": look.foreground})
    label_room.fit_label(axis, text, short)


def set_title(item: pg.PlotItem, title: str, pt: float = 10, row_px: int | None = None) -> None:
    """The plot's title at `pt` points in the look's foreground. `row_px` sets the height of
    the title's row (pyqtgraph's own is 30 px), grown with the font in presentation mode.
    The title follows the look if the plot was styled with style_axes."""
    item._rnnlab_title = (title, pt, row_px)
    _restyle_title(item, theme.current())


def _restyle_title(item: pg.PlotItem, look: theme.Look) -> None:
    title = getattr(item, "_rnnlab_title", None)
    if title is None:
        return
    text, pt, row_px = title
    item.setTitle(text, size=look.css_pt(pt), color=look.foreground)
    row = round((row_px or 30) * look.font_scale) if row_px or look.presentation else None
    if row is not None:
        item.titleLabel.setMaximumHeight(row)
        item.layout.setRowFixedHeight(0, row)
    strip = getattr(item, "_rnnlab_top_strip", None)  # a legend above the data (top_legend.py)
    if strip is not None:
        strip.refit()


def add_legend(item: pg.PlotItem, offset: tuple[float, float], pt: float = 10, alpha: int = 140) -> pg.LegendItem:
    """A legend at `offset`, labels of `pt` points, over a see-through background (`alpha`
    of 255) of the plot's colour, so that curves passing under it still show."""
    legend = item.addLegend(offset=offset)
    legend._rnnlab_style = (pt, alpha)
    theme.follow(legend, restyle_legend)
    return legend


def restyle_legend(legend: pg.LegendItem, look: theme.Look) -> None:
    """A legend's labels and background in `look` (its `_rnnlab_style` = (pt, alpha))."""
    pt, alpha = legend._rnnlab_style
    background = look.colour("background")
    background.setAlpha(alpha)  # as see-through in every look: the curves under it still show
    legend.setBrush(pg.mkBrush(background))
    legend.opts["labelTextColor"] = pg.mkColor(look.foreground)
    legend.opts["labelTextSize"] = look.css_pt(pt)
    for _sample, label in legend.items:
        label.setText(label.text, size=look.css_pt(pt), color=look.foreground)
    legend.updateSize()


def style_view(view: pg.GraphicsView) -> None:
    """A PlotWidget's or GraphicsLayoutWidget's background in the look's plot background."""
    theme.follow(view, lambda v, look: v.setBackground(look.background))


def loss_plot_widget(name: str, min_height: int, **kwargs) -> pg.PlotWidget:
    """A PlotWidget in the house look for loss curves: themed background, faint grid, axes."""
    plot = pg.PlotWidget(background="w", **kwargs)
    plot.setObjectName(name)
    plot.setMinimumHeight(min_height)
    style_view(plot)
    item = plot.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.15)
    style_axes(item)
    return plot


def draw_thinned(curve) -> None:
    """A long live curve: only the visible part, and per screen pixel only its lowest and
    highest point (pyqtgraph's auto mode keeps 5 a pixel, which paints slowly enough to make
    the GUI thread late while training; benchmarks/RESULTS.md, "The app under load")."""
    curve.opts["autoDownsampleFactor"] = 1.0
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)


def style_pen(item, colour: str, width: float = 1.0, dash: bool = False, alpha: int | None = None) -> None:
    """A curve's (or line's) pen: `colour` ("#rrggbb" or a role) `width` pixels wide, both as
    the look draws them (thicker in presentation mode, lighter shades on dark)."""
    theme.follow(item, lambda it, look: it.setPen(look.pen(colour, width, dash, alpha)))


def style_symbols(curve: pg.PlotDataItem, colour: str, size: float, outline: str = "background") -> None:
    """A curve's dots: filled with `colour`, ringed with `outline`, larger in presentation mode."""
    def restyle(c: pg.PlotDataItem, look: theme.Look) -> None:
        c.setSymbolBrush(look.brush(colour))
        c.setSymbolPen(look.pen(outline))
        c.setSymbolSize(look.size(size))
    theme.follow(curve, restyle)


def style_scatter(scatter: pg.ScatterPlotItem, colour: str, size: float, outline: str = "background",
                  outline_width: float = 0.5) -> None:
    """A scatter plot's dots, as style_symbols."""
    def restyle(s: pg.ScatterPlotItem, look: theme.Look) -> None:
        s.setPen(look.pen(outline, outline_width))
        s.setBrush(look.brush(colour))
        s.setSize(look.size(size))
    theme.follow(scatter, restyle)


def style_line(line: pg.InfiniteLine, colour: str = AXIS, width: float = 1.5, dash: bool = True,
               pt: float = 10) -> None:
    """A horizontal or vertical marker line and its label, as the look draws them."""
    def restyle(ln: pg.InfiniteLine, look: theme.Look) -> None:
        ln.setPen(look.pen(colour, width, dash))
        if getattr(ln, "label", None) is not None:
            ln.label.setColor(look.colour(colour))
            ln.label.setFont(look.font(pt))
            ln.label.fill = look.brush("background", alpha=170)  # curves under it do not strike it through
            ln.label.update()
    theme.follow(line, restyle)


def style_text(item: pg.TextItem, pt: float = 10) -> None:
    """A text item in the plot, in the look's foreground and font."""
    def restyle(it: pg.TextItem, look: theme.Look) -> None:
        it.setColor(look.foreground)
        it.setFont(look.font(pt))
    theme.follow(item, restyle)


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
    rgb = np.array([_rgb(c) for _, c in stops], dtype=np.float64)  # (stops, 3)
    channels = [np.interp(frac, pos, rgb[:, k]) for k in range(3)]
    out = np.rint(np.stack(channels, axis=-1)).astype(int)  # (N, 3)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in out]


def text_on(background: str) -> str:
    """Black or white text, whichever contrasts more with a "#rrggbb" background (WCAG
    contrast ratio), so that colour-coded text reads in any theme: it brings its own."""
    return "#000000" if (luminance(background) + 0.05) / 0.05 >= 1.05 / (luminance(background) + 0.05) \
        else "#ffffff"


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of "#rrggbb": 0 for black, 1 for white."""
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (c / 255 for c in _rgb(colour))]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours: 1 (the same) to 21 (black on white)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


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


# Neuron hunt
MASK_BACKGROUND = "#ffe066"  # the characters a pattern selects: marked yellow
MASK_INK = "#000000"  # the text on that yellow, dark in either theme


# Step through
STEP_UNIT_OUTLINE = "#000000"  # the chosen unit's box in every picture (black in every look)
STEP_LEVEL_NOTE = "#777"  # a picture title's colour range ("±3"), when it is not ±1
