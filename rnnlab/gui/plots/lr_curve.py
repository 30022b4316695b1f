"""The learning rate of each step, drawn on the loss plot against an axis of its own (right).

The rate and the loss have nothing in common but the step, so the rate lives in a second
ViewBox that shares the plot's horizontal axis (pyqtgraph's multi-axis recipe) and always
spans 0 to the highest rate: the warm-up and the cosine's fall read at a glance. It takes
no mouse input: zooming and panning stay the loss view's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnlab.gui.look import colors
from rnnlab.gui.plots.plot_parts import set_curve


class LrCurve:
    def __init__(self, item: pg.PlotItem) -> None:
        self.item = item
        self.view = pg.ViewBox(enableMenu=False)
        self.view.setMouseEnabled(x=False, y=False)
        self.view.setZValue(-10)  # under the loss view, which keeps the mouse
        item.scene().addItem(self.view)
        item.showAxis("right")
        axis = item.getAxis("right")
        axis.linkToView(self.view)
        # the legend names the curve in full where the axis is short
        colors.set_label(item, "right", "learning rate", 11, short="lr")
        self.view.setXLink(item)
        self.curve = pg.PlotDataItem(name="learning rate")
        colors.style_pen(self.curve, colors.GREEN, 1.5, dash=True)
        colors.draw_thinned(self.curve)
        self.view.addItem(self.curve)
        if item.legend is not None:
            item.legend.addItem(self.curve, "learning rate")
        item.getViewBox().sigResized.connect(self._fit_geometry)
        self._fit_geometry()

    def _fit_geometry(self) -> None:
        main = self.item.getViewBox()
        self.view.setGeometry(main.sceneBoundingRect())
        self.view.linkedViewChanged(main, self.view.XAxis)

    def set_visible(self, visible: bool) -> None:
        self.curve.setVisible(visible)
        self.view.setVisible(visible)
        self.item.showAxis("right", visible)
        legend = self.item.legend
        if legend is not None and visible != (legend.getLabel(self.curve) is not None):
            if visible:  # no entry for a curve not drawn
                legend.addItem(self.curve, "learning rate")
            else:
                legend.removeItem(self.curve)

    def draw(self, x: np.ndarray, lr: np.ndarray, highest: float) -> None:
        set_curve(self.curve, x, lr, True, False)
        self.view.setYRange(0.0, highest * 1.05 if highest > 0 else 1.0, padding=0.0)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn: (x, lr), NaN where the rate is not known; for tests."""
        x, y = self.curve.getData()
        return (np.array([]), np.array([])) if x is None else (x, y)
