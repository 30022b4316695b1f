"""The pyqtgraph side of the heatmap panel: image, colour bar, character axis, row marker.

Split from heatmap_panel.py so that the panel holds the choosing and explaining, and this
holds the drawing. The ImageItem uses pyqtgraph's default column-major order: data[t, u]
is drawn at x = t (a character), y = u (a unit); the y axis is inverted so unit 0 is on top.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.gui.look import colors, theme
from rnnlab.gui.plots.char_axis import CharAxis

UNIT_LINE_SPACING = 1.3  # unit numbers at least 1.3 lines apart: never touching


def nice_step(minimum: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= minimum."""
    step = 1
    while step < minimum:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50 ...
    return step


class _HeatImage(pg.ImageItem):
    """An ImageItem that reports the pixel under the mouse and left clicks."""

    def __init__(self, on_hover: Callable, on_click: Callable) -> None:
        super().__init__(axisOrder="col-major")
        self._on_hover, self._on_click = on_hover, on_click

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self._on_hover(None)
            return
        ev.acceptClicks(QtCore.Qt.MouseButton.LeftButton)
        pos = ev.pos()  # in image pixels: (t, unit)
        self._on_hover((math.floor(pos.x()), math.floor(pos.y())))

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            self._on_click(math.floor(ev.pos().y()))


class HeatmapView:
    """A GraphicsLayoutWidget ("hiddenHeatmap") with the image and a colour bar beside it."""

    def __init__(self, on_hover: Callable, on_click: Callable) -> None:
        self.widget = pg.GraphicsLayoutWidget()
        colors.style_view(self.widget)
        self.widget.setObjectName("hiddenHeatmap")
        self.widget.setMinimumHeight(120)
        self.char_axis = CharAxis()  # spells out the text under the columns
        self.plot = self.widget.addPlot(axisItems={"bottom": self.char_axis})
        self.image = _HeatImage(on_hover, on_click)
        self.plot.addItem(self.image)
        self._setup_plot()
        self.bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=colors.diverging_map(),
                                   interactive=False, width=14)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.marker = QtWidgets.QGraphicsRectItem()
        self.marker.setZValue(10)
        self.marker.hide()
        self.plot.addItem(self.marker, ignoreBounds=True)
        self._shape: tuple[int, int] | None = None
        self._text = ""
        self._levels = (-1.0, 1.0)
        self._diverging = True
        self._unit_tick_key: tuple | None = None  # what the unit numbers were made for
        self._unit: int | None = None
        self.plot.getViewBox().sigResized.connect(self._update_ticks)
        self.placeholder = pg.TextItem("The hidden state appears here once the model reads a text\n"
                                       "(start training, or press Step).", anchor=(0.5, 0.5))
        colors.style_text(self.placeholder)
        self.plot.addItem(self.placeholder, ignoreBounds=True)
        self.placeholder.setPos(0.5, 0.5)
        self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.0)
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setTicks([[], []])  # no numbers until there is data
        theme.follow(self, HeatmapView._restyle)

    def _setup_plot(self) -> None:
        plot = self.plot
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.invertY(True)  # unit 0 on top, as in a table
        plot.getViewBox().setDefaultPadding(0.0)
        plot.setContentsMargins(2, 8, 2, 2)  # room for the colour bar's end labels
        for name in ("bottom", "left"):
            plot.getAxis(name).setStyle(tickLength=4)  # outward: inward ticks would cover the image
        # fixed-width tick labels: the characters label themselves, no axis title below
        colors.style_axes(plot, tick_font=lambda look: look.mono_font(10))
        colors.set_label(plot, "left", "unit", 10)

    def _restyle(self, look: theme.Look) -> None:
        """Colours, fonts and pens of the look; label spacing for the new font size."""
        axis = self.bar.axis
        axis.setTextPen(look.foreground)
        axis.setPen(look.foreground)
        axis.setTickFont(look.font(10))
        self.marker.setPen(look.pen(colors.MARKER, 2))  # cosmetic: 2 px at any zoom (4 presenting)
        self._unit_tick_key = None
        self._update_ticks()

    def show(self, data: np.ndarray, levels: tuple[float, float], diverging: bool, text: str) -> None:
        """Draw data (T, H) with fixed levels; axes and ticks change only when needed."""
        if diverging != self._diverging:
            self._diverging = diverging
            self.bar.setColorMap(colors.diverging_map() if diverging else colors.sequential_map())
        if levels != self._levels:
            self._levels = levels
            self.bar.setLevels(levels)
        self.image.setImage(data, autoLevels=False, levels=levels)
        self.placeholder.hide()
        shape = (int(data.shape[0]), int(data.shape[1]))
        if shape != self._shape or text != self._text:
            if shape != self._shape:
                self.plot.setRange(xRange=(0, shape[0]), yRange=(0, shape[1]), padding=0.0)
            self._shape, self._text = shape, text
            self._update_ticks()

    def clear(self) -> None:
        """Empty, with the placeholder: no model has read a text yet."""
        self.image.clear()
        self.placeholder.show()
        self._unit, self._shape, self._text = None, None, None
        self.marker.hide()
        self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.0)
        self._update_ticks()

    def highlight_row(self, unit: int | None) -> None:
        """Mark a unit: "12 ▶" on the unit axis, and an outline when rows are tall enough."""
        self._unit = unit
        self._update_ticks()

    def _place_marker(self, row_px: float) -> None:
        if self._unit is None or self._shape is None or row_px < 6:  # thin rows: the axis mark only
            self.marker.hide()
            return
        self.marker.setRect(QtCore.QRectF(0.0, self._unit, self._shape[0], 1.0))
        self.marker.show()

    def unit_label_px(self) -> float:
        """Vertical room one unit number needs in the unit axis's font."""
        font = self.plot.getAxis("left").style["tickFont"] or QtGui.QFont()
        return QtGui.QFontMetricsF(font).height() * UNIT_LINE_SPACING

    def _update_ticks(self, *_args) -> None:
        """Every character on the time axis; every m-th unit so that numbers never overlap."""
        left = self.plot.getAxis("left")
        if self._shape is None:
            self.char_axis.set_text("", 0)
            left.setTicks([[], []])
            return
        steps, units = self._shape
        self.char_axis.set_text(self._text or "", steps)  # labels or strip: it measures itself
        view = self.plot.getViewBox()
        label_px = self.unit_label_px()
        m = nice_step(label_px * units / max(view.height(), 1.0))
        key = (units, m, self._unit, int(view.height()), round(label_px, 1))
        if key != self._unit_tick_key:
            row_px = view.height() / units
            numbers = [(u + 0.5, str(u)) for u in range(0, units, m)  # none too close to the mark
                       if self._unit is None or abs(u - self._unit) * row_px >= label_px]
            chosen = [] if self._unit is None else [(self._unit + 0.5, f"{self._unit} ▶")]
            # one level: pyqtgraph always draws the first level, but may drop a second one
            # as "too crowded" (the numbers vanished after maximising)
            left.setTicks([sorted(chosen + numbers), []])
        self._unit_tick_key = key
        self._place_marker(view.height() / units)
