"""RacePlot: the contenders' loss curves overlaid, one colour each, with a legend.

Per contender: the smoothed training loss (a thick line) and its validation points
(circles joined by a dashed line), against its own training time, steps or characters.
With "equal time" the curves end together, so whichever is lower at a given time learns
faster for the same CPU. The n-gram baseline, when known, is a dashed grey line.
A pure view, redrawn from a 5 Hz timer only when something changed; the view follows the
data with rounded ranges (plot_range.py) until the user zooms or pans.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from rnnlab.core.train.events import LN2
from rnnlab.gui.look import colors
from rnnlab.gui.plots.loss_plot import REDRAW_MS
from rnnlab.gui.plots.loss_series import LossSeries
from rnnlab.gui.plots.plot_parts import baseline_text, set_curve
from rnnlab.gui.plots.plot_range import follow_view

SMOOTHING = 0.95  # many points per second per contender: smooth a little more than the main plot
X_AXES = {"time": "training time of each (s)", "steps": "steps", "chars": "characters seen"}


class RacePlot(QtWidgets.QWidget):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.x_combo = QtWidgets.QComboBox(objectName="raceXAxisCombo")
        self.x_combo.addItems(list(X_AXES.values()))
        self.x_combo.setToolTip("Horizontal axis: each contender's training time, steps or characters seen")
        self.units_combo = QtWidgets.QComboBox(objectName="raceUnitsCombo")
        self.units_combo.addItems(["nats/char", "bits/char"])
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("x:"))
        row.addWidget(self.x_combo)
        row.addWidget(self.units_combo)
        row.addStretch(1)
        self.plot = colors.loss_plot_widget("racePlot", 160)
        item = self.plot.getPlotItem()
        self.legend = colors.add_legend(item, offset=(-8, 8), pt=11, alpha=160)
        item.getViewBox().sigRangeChangedManually.connect(self._on_range_changed_by_hand)
        self.baseline_line = pg.InfiniteLine(angle=0, movable=False, label="",
                                             labelOpts={"position": 0.02, "anchors": [(0, 0), (0, 0)]})
        colors.style_line(self.baseline_line, colors.BASELINE, 1.5)
        self.baseline_line.hide()
        item.addItem(self.baseline_line, ignoreBounds=True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        self._runs: list[tuple[LossSeries, list, pg.PlotDataItem, pg.PlotDataItem]] = []
        self._baseline: float | None = None
        self._dirty, self._follow = False, True
        self._timer = QtCore.QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.x_combo.currentIndexChanged.connect(self._on_axes_changed)
        self.units_combo.currentIndexChanged.connect(self._on_axes_changed)
        self._update_labels()

    # --- data in -------------------------------------------------------------------------

    def set_runs(self, labels: list[str]) -> None:
        """Start over with one (empty) curve per contender."""
        item = self.plot.getPlotItem()
        for _, _, smooth, val in self._runs:
            item.removeItem(smooth)
            item.removeItem(val)
        self.legend.clear()
        self._runs = []
        for k, label in enumerate(labels):
            colour = colors.RUN_COLORS[k % len(colors.RUN_COLORS)]
            smooth = item.plot(name=label)
            colors.style_pen(smooth, colour, 3)
            colors.draw_thinned(smooth)
            val = item.plot(symbol="o")
            colors.style_pen(val, colour, 1.5, dash=True)
            colors.style_symbols(val, colour, 8)
            self._runs.append((LossSeries(), [], smooth, val))
        self._follow = True
        self._mark_dirty()

    def append(self, run: int, steps, seconds, chars, losses) -> None:
        if len(losses) and run < len(self._runs):
            self._runs[run][0].append(steps, losses, chars, SMOOTHING, seconds)
            self._mark_dirty()

    def add_eval(self, run: int, point: dict) -> None:
        """point: step, seconds, chars, val_loss (nats/char)."""
        if run < len(self._runs):
            self._runs[run][1].append(point)
            self._mark_dirty()

    def set_baseline(self, loss: float | None, label: str = "") -> None:
        self._baseline, self._baseline_label = loss, label
        self._mark_dirty()

    def curve_data(self, run: int) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn now for a contender's smoothed curve (x, y): for tests."""
        x, y = self._runs[run][2].getData()
        return (np.array([]) if x is None else x), (np.array([]) if y is None else y)

    def last_val(self, run: int) -> float | None:
        evals = self._runs[run][1]
        return evals[-1]["val_loss"] if evals else None

    def last_smoothed(self, run: int) -> float | None:
        s = self._runs[run][0]
        return float(s.smooth[s.n - 1]) if s.n else None

    # --- drawing -------------------------------------------------------------------------

    def _x_key(self) -> str:
        return list(X_AXES)[self.x_combo.currentIndex()]

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if self._dirty:
            self._dirty = False
            self._redraw()
        else:
            self._timer.stop()

    def flush(self) -> None:
        """Draw now (tests, export)."""
        self._dirty = False
        self._redraw()

    def _redraw(self) -> None:
        key = self._x_key()
        scale = 1.0 / LN2 if self.units_combo.currentIndex() == 1 else 1.0
        xs, ys = [], []
        for series, evals, smooth, val in self._runs:
            n = series.n
            x = {"time": series.seconds, "steps": series.steps, "chars": series.chars}[key][:n]
            set_curve(smooth, x, series.smooth[:n] * scale, True, False)
            ex = np.array([p[{"time": "seconds", "steps": "step", "chars": "chars"}[key]] for p in evals],
                          dtype=np.float64)
            ey = np.array([p["val_loss"] for p in evals], dtype=np.float64) * scale
            set_curve(val, ex, ey, True, False)
            if n:
                xs += [float(x[0]), float(x[-1])]
                ys += [series.smooth_bounds[0] * scale, series.smooth_bounds[1] * scale]
            finite = ey[np.isfinite(ey)]
            ys += [float(finite.min()), float(finite.max())] if len(finite) else []
        self._draw_baseline(scale, ys)
        self._follow_data(xs, [y for y in ys if math.isfinite(y)])

    def _draw_baseline(self, scale: float, ys: list) -> None:
        b = self._baseline
        visible = b is not None and math.isfinite(b) and b > 0
        self.baseline_line.setVisible(visible)
        if visible:
            self.baseline_line.setPos(b * scale)
            unit = "bits" if scale != 1.0 else "nats"
            self.baseline_line.label.setFormat(baseline_text(self._baseline_label, b * scale, unit))
            ys.append(b * scale)

    def _follow_data(self, xs: list, ys: list) -> None:
        view = self.plot.getPlotItem().getViewBox()
        if any(view.state["autoRange"]):  # pyqtgraph's own auto-range (start, "A" button)
            view.disableAutoRange()
            self._follow = True
        if self._follow:
            follow_view(view, xs, ys)

    def _update_labels(self) -> None:
        item = self.plot.getPlotItem()
        colors.set_label(item, "bottom", X_AXES[self._x_key()], 11)
        units = self.units_combo.currentText()
        colors.set_label(item, "left", f"loss ({units})", 11, short=units)

    def _on_axes_changed(self, _index: int) -> None:
        self._update_labels()
        self._follow = True
        self._mark_dirty()

    def _on_range_changed_by_hand(self, *_args) -> None:
        self._follow = False
