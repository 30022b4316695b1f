"""A legend in a strip of its own above a plot's data area, never over the curves.

pyqtgraph's own legend floats over the ViewBox: on a small plot (a 1024x768 projector, large
fonts) it covered the whole curve. Here the legend is parented to the PlotItem and placed in
the title row (row 0), which is made as tall as the title (if any) plus the legend; its
entries follow each other like words, each as wide as it is, onto a new line only when the
plot's width is used up (pyqtgraph's grid gave every entry of a column the width of the
longest, and pushed the last one out of sight). It stays in the scene, so exported images
keep it.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore

from rnnlab.gui.look import colors, theme

GAP = 2  # px between the title (or the plot's top) and the legend, and under it


ENTRY_GAP = 12  # px between one entry and the next on a line
TEXT_MARGIN = 1  # px around an entry's words (Qt's 4 made each line 24 px for 10-pt text)


class FlowLegend(pg.LegendItem):
    """A LegendItem whose entries flow in lines no wider than `room` (no grid layout)."""

    def __init__(self) -> None:
        super().__init__(offset=None, horSpacing=6)  # offset None: pyqtgraph does not anchor it
        self.room = 400.0
        self._flowed = None  # what the last flow was for: pyqtgraph calls updateSize on every
        # curve update, and re-flowing each time kept the GUI thread ~90% busy while training

    def _addItemToLayout(self, sample, label) -> None:  # noqa: N802 - pyqtgraph's hook
        sample.setParentItem(self)  # placed by flow(), not by the grid
        label.setParentItem(self)

    def _removeItemFromLayout(self, *items) -> None:  # noqa: N802 - pyqtgraph's hook
        for item in items:
            item.close()
            if item.scene():  # PySide does not take a closed item out of its scene (a leak)
                item.scene().removeItem(item)

    def updateSize(self) -> None:  # noqa: N802 - called by pyqtgraph after every change
        self.flow()

    def _signature(self) -> tuple:
        return (self.room, tuple((id(sample), label.text, label.opts.get("size"), label.opts.get("color"))
                                 for sample, label in self.items))

    def flow(self, force: bool = False) -> None:
        """Place the entries in lines and take the size they need (again only when the
        entries or the room changed, or `force`)."""
        signature = self._signature()
        if signature == self._flowed and not force:
            return
        self._flowed = signature
        preferred = QtCore.Qt.SizeHint.PreferredSize
        x = y = line = width = 0.0
        for sample, label in self.items:
            a = sample.effectiveSizeHint(preferred)
            self._wrap(label, self.room - a.width() - self.layout.horizontalSpacing())
            b = label.effectiveSizeHint(preferred)
            height = b.height()  # the words set the line; the 20-px sample may reach past it
            entry = a.width() + self.layout.horizontalSpacing() + b.width()
            if x > 0 and x + entry > self.room:
                x, y, line = 0.0, y + line, 0.0
            sample.setGeometry(QtCore.QRectF(x, y + (height - a.height()) / 2, a.width(), a.height()))
            label.setGeometry(QtCore.QRectF(x + entry - b.width(), y + (height - b.height()) / 2,
                                            b.width(), b.height()))
            width, line = max(width, x + entry), max(line, height)
            x += entry + ENTRY_GAP
        self.setGeometry(0, 0, width, y + line)

    @staticmethod
    def _wrap(label: pg.LabelItem, room: float) -> None:
        """A label wider than the plot's width onto more lines (at most `room` px wide)."""
        text = label.item
        if text.document().documentMargin() != TEXT_MARGIN:
            text.document().setDocumentMargin(TEXT_MARGIN)
            label.updateMin()
        before = text.textWidth()
        text.setTextWidth(-1)  # its natural width, on one line
        wanted = room if text.boundingRect().width() > room > 20 else -1.0
        text.setTextWidth(wanted)
        if wanted != before:
            label.updateMin()  # its size hints follow the wrapped text


class TopLegend:
    """Keeps a PlotItem's legend above its data: see the module docstring."""

    def __init__(self, item: pg.PlotItem, pt: float = 10) -> None:
        self.item = item
        self.legend = legend = FlowLegend()
        legend.setParentItem(item)
        legend._rnnlab_style = (pt, 0)  # no background: nothing is under it but the plot's own
        item.legend = legend  # item.plot(name=...) adds its entries here
        item._rnnlab_top_strip = self  # colors.set_title asks for a refit when the title changes
        item.layout.setAlignment(item.titleLabel, QtCore.Qt.AlignmentFlag.AlignTop)
        self._force = False  # the next fit re-flows even if nothing seems changed (a new font)
        self._timer = QtCore.QTimer(legend, singleShot=True, interval=0)  # goes with the plot
        self._timer.timeout.connect(self.fit)
        theme.follow(legend, colors.restyle_legend)
        theme.follow(self, lambda strip, _look: strip.refit(force=True))  # after the legend's new font
        item.geometryChanged.connect(self.refit)
        legend.geometryChanged.connect(self.refit)  # entries added or removed

    def refit(self, force: bool = False) -> None:
        """Fit again on the next turn of the event loop (sizes settle first)."""
        self._force = self._force or force
        self._timer.start()

    def fit(self) -> None:
        """The legend's lines for the plot's width, the strip as tall as they are."""
        item, legend = self.item, self.legend
        legend.setVisible(bool(legend.items))
        legend.room = max(item.width() - self._left() - 8, 40)
        legend.flow(force=self._force)
        self._force = False
        title = self._title_height()
        height = math.ceil(legend.height()) + 2 * GAP if legend.items else 0
        if item.layout.rowMaximumHeight(0) != title + height:
            item.layout.setRowFixedHeight(0, title + height)
        legend.setPos(self._left(), title + GAP)

    def _left(self) -> float:
        """Where the data area starts (the left axis' width), so the legend lines up with it."""
        axis = self.item.getAxis("left")
        return axis.width() if axis.isVisible() else 0.0

    def _title_height(self) -> int:
        label = self.item.titleLabel
        if not label.isVisible():
            return 0
        natural = math.ceil(label.item.boundingRect().height()) + 2
        return min(natural, int(label.maximumHeight()))

    def data_rect(self) -> QtCore.QRectF:
        """The ViewBox (the data area) in the PlotItem's coordinates (for tests)."""
        return self.item.getViewBox().mapRectToItem(self.item, self.item.getViewBox().boundingRect())

    def legend_rect(self) -> QtCore.QRectF:
        """The legend in the PlotItem's coordinates (for tests)."""
        return self.legend.mapRectToItem(self.item, self.legend.boundingRect())


def refit(item: pg.PlotItem) -> None:
    """After an entry's text changed: the legend's lines and strip again (soon)."""
    strip = getattr(item, "_rnnlab_top_strip", None)
    if strip is not None:
        strip.refit(force=True)


def add_top_legend(item: pg.PlotItem, pt: float = 10) -> pg.LegendItem:
    """A legend above the data area of `item` (see TopLegend); its labels of `pt` points."""
    return TopLegend(item, pt).legend
