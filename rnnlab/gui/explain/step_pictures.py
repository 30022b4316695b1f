"""The step-through view's small pictures (pyqtgraph), each a plot in a GraphicsLayout:

    StepHeatmap     a vector (one row) or a small matrix (one row per gate) as colours,
                    red positive, white 0, blue negative, the chosen unit outlined
    NextCharBars    the top next characters as bars, the text's actual next one orange

Both follow the look (theme and presentation mode): sizes grow with the fonts.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from rnnlab.gui.explain.step_formulas import NEXT_CHARS, next_chars_title
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.symbols import show_char

TOP_K = 10
TITLE_PX = 18
BARS_MIN_HEIGHT = 80


def set_small_title(plot: pg.PlotItem, title: str) -> None:
    """A small title in a short row (pyqtgraph's own row is 30 px: too much for a 1-row strip)."""
    colors.set_title(plot, title, 8, row_px=TITLE_PX)


def scaled_px(pixels: float) -> int:
    """A size in pixels of the normal look, grown with the fonts in presentation mode."""
    return round(pixels * theme.current().font_scale)


def _style_plot(plot: pg.PlotItem, left_width: int) -> None:
    """Axis colours and 9 pt labels of the look; the left axis `left_width` px wide (scaled)."""
    colors.style_axes(plot, tick_font=lambda look: look.font(9))
    theme.follow(plot, lambda p, _look: p.getAxis("left").setWidth(scaled_px(left_width)))


class StepHeatmap:
    """A titled heatmap of a vector (one row) or a small matrix, with a fixed symmetric level."""

    def __init__(self, layout: pg.GraphicsLayout, row_labels: tuple[str, ...] = ()) -> None:
        self.plot = layout.addPlot()
        plot = self.plot
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.invertY(True)  # row 0 on top
        plot.getViewBox().setDefaultPadding(0.0)
        plot.setContentsMargins(1, 1, 1, 1)
        plot.hideAxis("bottom")
        self.rows = max(len(row_labels), 1)
        _style_plot(plot, 14)
        if row_labels:
            axis = plot.getAxis("left")
            axis.setStyle(tickLength=0)
            axis.setTicks([[(k + 0.5, name) for k, name in enumerate(row_labels)], []])
        else:
            plot.hideAxis("left")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colors.diverging_map())
        plot.addItem(self.image)
        self.marker = QtWidgets.QGraphicsRectItem()
        self.marker.setZValue(10)
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        plot.setMinimumWidth(30)
        theme.follow(self, StepHeatmap._restyle)

    @property
    def min_height(self) -> int:
        """The title, and at least 12 px a row (more in presentation mode)."""
        return scaled_px(TITLE_PX) + scaled_px(12) * self.rows

    def _restyle(self, look: theme.Look) -> None:
        self.marker.setPen(look.pen(colors.STEP_UNIT_OUTLINE, 2))
        self.plot.setMinimumHeight(self.min_height)
        self.plot.setMaximumHeight(self.min_height + scaled_px(22) * self.rows)

    def set_title(self, title: str) -> None:
        set_small_title(self.plot, title)

    def show(self, data: np.ndarray, level: float, unit: int | None = None) -> None:
        data = np.atleast_2d(np.asarray(data, dtype=np.float32))
        self.image.setImage(data, autoLevels=False, levels=(-level, level))
        self.plot.setRange(xRange=(0, data.shape[1]), yRange=(0, data.shape[0]), padding=0.0)
        if unit is not None and 0 <= unit < data.shape[1]:
            self.marker.setRect(QtCore.QRectF(unit, 0.0, 1.0, data.shape[0]))
            self.marker.show()
        else:
            self.marker.hide()

    def clear(self) -> None:
        self.image.clear()
        self.marker.hide()


class NextCharBars:
    """The top next characters as bars, characters as tick labels, y fixed to [0, 1]."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.plot = layout.addPlot()
        plot = self.plot
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setContentsMargins(1, 1, 1, 1)
        _style_plot(plot, 28)
        plot.getAxis("left").setTicks([[(0.0, "0"), (0.5, ".5"), (1.0, "1")], []])
        plot.setYRange(0.0, 1.0, padding=0.02)
        plot.setXRange(-0.5, TOP_K - 0.5, padding=0.0)
        set_small_title(plot, NEXT_CHARS)
        plot.setMinimumWidth(120)
        self.bars = pg.BarGraphItem(x=np.arange(TOP_K), height=np.zeros(TOP_K), width=0.75, pen=None)
        plot.addItem(self.bars)
        self._top: list[tuple[str, float]] = []
        self._actual: str | None = None
        theme.follow(self, NextCharBars._restyle)

    def _restyle(self, look: theme.Look) -> None:
        self.plot.setMinimumHeight(scaled_px(BARS_MIN_HEIGHT))
        self._colour()

    def _colour(self) -> None:
        look = theme.current()
        blue, orange = look.brush(colors.BLUE), look.brush(colors.ORANGE)
        brushes = [orange if ch == self._actual else blue for ch, _ in self._top]
        self.bars.setOpts(brushes=brushes + [blue] * (TOP_K - len(self._top)))

    def show(self, top: list[tuple[str, float]], actual: str | None) -> None:
        heights = np.zeros(TOP_K)
        heights[:len(top)] = [p for _, p in top]
        self._top, self._actual = list(top), actual
        self.bars.setOpts(height=heights)
        self._colour()
        ticks = [(k, show_char(ch)) for k, (ch, _) in enumerate(top)]
        self.plot.getAxis("bottom").setTicks([ticks, []])
        set_small_title(self.plot, next_chars_title(actual))

    def clear(self) -> None:
        self._top, self._actual = [], None
        self.bars.setOpts(height=np.zeros(TOP_K))
        self._colour()
        self.plot.getAxis("bottom").setTicks([[], []])
        set_small_title(self.plot, NEXT_CHARS)
