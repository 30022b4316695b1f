"""GradientsPanel: vanishing and exploding gradients, the two classic troubles of RNNs.

Left, "reach back in time": per layer, the size of d loss / d h_t for each character read
before the prediction (rnnlab.core.nn.gradient_flow.gradient_flow), drawn against "characters back
from the prediction" on an inverted axis, so time runs left to right and the last
character read is on the right; log scale. The first flow received since clear() stays
as a faint dashed "at start" curve per layer, so the change with training is visible.

Right: the norm of the whole gradient at each training step (raw, thin, and a moving
average, thick), log scale, with the clipping threshold as a dashed horizontal line.
Points are kept in LossSeries' growing buffers (amortised O(new points) per append) and
redrawn from a 5 Hz timer only when something changed; the view follows the data with
rounded ranges that change rarely (plot_range.py, in log10 space for y). Zooming or
panning by hand stops the following, the plot's "A" button restores it.

A pure view: the main window feeds it numpy arrays.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from rnnlab.gui.explain.header import ExplainHeader
from rnnlab.gui.look import colors
from rnnlab.gui.look.top_legend import add_top_legend
from rnnlab.gui.plots.loss_series import LossSeries
from rnnlab.gui.plots.plot_parts import CompactAxis
from rnnlab.gui.plots.plot_range import follow_x, follow_y

REDRAW_MS = 400  # at most 2.5 redraws a second: a second live plot beside the loss plot's 5
SMOOTHING = 0.9  # EMA factor of the thick gradient-norm curve
FLOOR = 1e-30  # zeros (a fully vanished gradient) are drawn here: log10(0) is -inf
EXPLANATION = (
    "<b>Left:</b> how strongly the error of the prediction reaches back to each earlier character "
    "(the size of d loss / d h<sub>t</sub>, log scale; the last character read is on the right). "
    "A curve falling steeply to the left is a <i>vanishing gradient</i>: the network cannot learn "
    "from far back. Typical of a vanilla RNN; LSTM and GRU keep it flatter. Dashed: at the start "
    "of training. <b>Right:</b> the size of the whole gradient at each training step; dashed line: "
    "the clipping threshold. Spikes above it are <i>exploding gradients</i>, which clipping cuts "
    "down to the line.")


class GradientsPanel(QtWidgets.QWidget):
    """Gradient flow through time (left) and the global gradient norm per step (right)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="gradientsPanel")
        self._series = LossSeries()  # its "loss" buffer holds the norms, "smooth" their EMA
        self._pos_bounds = (math.inf, -math.inf)  # finite, > 0 norms: the log axis' data range
        self._clip: float | None = None
        self._dirty = False
        self._start: list[np.ndarray] | None = None  # the first flow since clear()
        self._flow: list[np.ndarray] = []
        self.flow_curves: list[pg.PlotDataItem] = []
        self.start_curves: list[pg.PlotDataItem] = []
        self.header = ExplainHeader("gradients", EXPLANATION, target=self)
        self._build_flow_plot()
        self._build_norm_plot()
        splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal, objectName="gradientsSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.flow_plot)
        splitter.addWidget(self.norm_plot)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self._flow_follow = _Follower(self.flow_plot)
        self._norm_follow = _Follower(self.norm_plot)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    # --- construction ---------------------------------------------------------------

    def _build_flow_plot(self) -> None:
        self.flow_plot = plot = _plot_widget("gradientFlowPlot", pg.AxisItem("bottom"))
        item = plot.getPlotItem()
        colors.set_title(item, "reach back in time", 10)
        # short labels: at presentation size the long ones were wider than a 1024-px half plot
        _label(item, "characters back", "size (log)")
        item.setLogMode(y=True)
        item.getViewBox().invertX(True)  # 0 (the last character) on the right: time runs left to right
        add_top_legend(item, pt=9)  # above the data, under the title: never over the curves

    def _build_norm_plot(self) -> None:
        self.norm_plot = plot = _plot_widget("gradNormPlot", CompactAxis("bottom"))
        item = plot.getPlotItem()
        colors.set_title(item, "gradient per step", 10)
        _label(item, "training step", "norm (log)")
        item.setLogMode(y=True)
        add_top_legend(item, pt=9)
        self.raw_curve = item.plot(name="each step")
        colors.style_pen(self.raw_curve, colors.BLUE, 1, alpha=75)
        self.smooth_curve = item.plot(name="smoothed")
        colors.style_pen(self.smooth_curve, colors.DARK_BLUE, 2.5)
        for curve in (self.raw_curve, self.smooth_curve):
            colors.draw_thinned(curve)
        # An InfiniteLine has no log mode: its position is in view coordinates, i.e. log10(value).
        self.clip_line = pg.InfiniteLine(angle=0, movable=False)
        colors.style_line(self.clip_line, colors.AXIS, 1.5)
        # its words go in the legend: written on the line near the plot's top they were cut off
        self.clip_key = pg.PlotDataItem()
        colors.style_pen(self.clip_key, colors.AXIS, 1.5, dash=True)
        self.clip_line.setVisible(False)
        item.addItem(self.clip_line, ignoreBounds=True)

    # --- data in ----------------------------------------------------------------------

    def set_gradient_flow(self, norms: list[np.ndarray]) -> None:
        """Per layer, ||d loss / d h_t|| for t = 0..T-1 (gradient_flow.gradient_flow). Replaces the
        curves at once (this is rare: one batched backward pass per call). The first flow
        since clear() is kept as the "at start" curves; a different number of layers means
        another model, so it starts them afresh."""
        flow = [_for_log(n)[::-1] for n in norms]  # index i = i characters back
        if self._start is None or len(self._start) != len(flow):
            self._start = [f.copy() for f in flow]
            self._make_curves(len(flow))
        self._flow = flow
        for curve, f in zip(self.start_curves, self._start):
            curve.setData(np.arange(len(f), dtype=np.float64), f, skipFiniteCheck=True)
        for curve, f in zip(self.flow_curves, flow):
            curve.setData(np.arange(len(f), dtype=np.float64), f, skipFiniteCheck=True)
        self._follow_flow()

    def append_grad_norms(self, steps: np.ndarray, norms: np.ndarray) -> None:
        """New points: training step numbers and the global gradient norm (before clipping)
        at each. Cheap (O(new points)); drawn at the next redraw tick."""
        norms = np.asarray(norms, dtype=np.float64)
        if not len(norms):
            return
        steps = np.asarray(steps, dtype=np.int64)
        s = self._series
        a = s.n
        s.append(steps, norms, steps, SMOOTHING)
        new = s.loss[a : s.n]
        pos = new[np.isfinite(new) & (new > 0)]
        if len(pos):
            lo, hi = self._pos_bounds
            self._pos_bounds = min(lo, float(pos.min())), max(hi, float(pos.max()))
        self._mark_dirty()

    def set_clip(self, value: float | None) -> None:
        """The gradient-clipping threshold, shown as a dashed line; None or <= 0: no clipping."""
        ok = value is not None and math.isfinite(value) and value > 0
        self._clip = float(value) if ok else None
        self.clip_line.setVisible(ok)
        legend = self.norm_plot.getPlotItem().legend
        legend.removeItem(self.clip_key)
        if ok:
            self.clip_line.setValue(math.log10(self._clip))
            legend.addItem(self.clip_key, self.clip_text())
        self._mark_dirty()  # the view makes room for the line

    def clip_text(self) -> str:
        """The clipping line's legend entry ("" without clipping)."""
        return f"clip {self._clip:g}" if self._clip is not None else ""

    def clip_value(self) -> float | None:
        return self._clip

    def clear(self) -> None:
        """Empty both plots (a new model); the clipping threshold stays."""
        self._series.clear()
        self._pos_bounds = (math.inf, -math.inf)
        self._start = None
        self._flow = []
        self._make_curves(0)
        self._flow_follow.on = self._norm_follow.on = True
        self._mark_dirty()

    def point_count(self) -> int:
        """Gradient-norm points held (the right plot)."""
        return self._series.n

    def layer_count(self) -> int:
        """Layers in the left plot (0 before the first flow)."""
        return len(self._flow)

    def export_image(self, path: str | Path) -> None:
        """The whole panel (explanation and both plots) as PNG. Raises OSError on failure."""
        self._flush()
        self.header.export_png(path)

    # --- drawing ----------------------------------------------------------------------

    def _make_curves(self, layers: int) -> None:
        item = self.flow_plot.getPlotItem()
        for curve in self.start_curves + self.flow_curves:
            item.removeItem(curve)  # also from the legend
        self.start_curves, self.flow_curves = [], []
        for k in range(layers):
            curve = item.plot(name=f"layer {k + 1}, at start")
            colors.style_pen(curve, colors.LAYER_COLORS[k % len(colors.LAYER_COLORS)], 1.5, dash=True, alpha=120)
            self.start_curves.append(curve)
        for k in range(layers):
            curve = item.plot(name=f"layer {k + 1}")
            colors.style_pen(curve, colors.LAYER_COLORS[k % len(colors.LAYER_COLORS)], 2.5)
            self.flow_curves.append(curve)

    def _follow_flow(self) -> None:
        if not self._flow_follow.check():
            return
        drawn = [f for f in self._flow + (self._start or []) if len(f)]
        if not drawn:
            return
        length = max(len(f) for f in drawn)
        lo = math.log10(min(float(f.min()) for f in drawn))
        hi = math.log10(max(float(f.max()) for f in drawn))
        view = self.flow_plot.getPlotItem().getViewBox()
        vx, vy = view.viewRange()
        new_x = (-0.5, length - 0.5)
        if abs(vx[0] - new_x[0]) < 1e-9 and abs(vx[1] - new_x[1]) < 1e-9:
            new_x = None
        new_y = follow_y((lo, hi), tuple(vy))
        if new_x or new_y:
            view.setRange(xRange=new_x or vx, yRange=new_y or vy, padding=0.0)

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if not self._dirty:
            self._timer.stop()  # idle: wake up again on the next change
            return
        self._flush()

    def _flush(self) -> None:
        s, n = self._series, self._series.n
        x = s.steps[:n]
        _set_log_curve(self.raw_curve, x, s.loss[:n])
        _set_log_curve(self.smooth_curve, x, s.smooth[:n])
        self._follow_norms(x)
        self._dirty = False

    def _follow_norms(self, x: np.ndarray) -> None:
        if not self._norm_follow.check():
            return
        lo, hi = self._pos_bounds
        ys = [math.log10(lo), math.log10(hi)] if lo <= hi else []
        if self._clip is not None:
            ys.append(math.log10(self._clip))
        if not len(x) or not ys:
            return
        view = self.norm_plot.getPlotItem().getViewBox()
        vx, vy = view.viewRange()
        new_x = follow_x((float(x[0]), float(x[-1])), tuple(vx))
        new_y = follow_y((min(ys), max(ys)), tuple(vy))
        if new_x or new_y:
            view.setRange(xRange=new_x or vx, yRange=new_y or vy, padding=0.0)


class _Follower:
    """Whether a plot's view follows its data: off once the user zooms or pans by hand,
    on again after pyqtgraph's own auto-range (the "A" button), which is then switched off."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.view = plot.getPlotItem().getViewBox()
        self.on = True
        self.view.sigRangeChangedManually.connect(self._on_changed_by_hand)

    def check(self) -> bool:
        if any(self.view.state["autoRange"]):
            self.view.disableAutoRange()
            self.on = True
        return self.on

    def _on_changed_by_hand(self, *_args) -> None:
        self.on = False


def _plot_widget(name: str, bottom: pg.AxisItem) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w", axisItems={"bottom": bottom})
    plot.setObjectName(name)
    colors.style_view(plot)
    plot.setMinimumSize(150, 150)
    item = plot.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.15)
    colors.style_axes(item)
    return plot


def _label(item: pg.PlotItem, bottom: str, left: str) -> None:
    colors.set_label(item, "bottom", bottom, 10)
    colors.set_label(item, "left", left, 10)


def _for_log(values: np.ndarray) -> np.ndarray:
    """float64, finite and >= FLOOR, so that pyqtgraph's log10 gives finite values
    (NaN and -inf become the floor, +inf the largest float)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64).ravel(), nan=0.0, neginf=0.0)
    return np.maximum(v, FLOOR)


def _set_log_curve(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
    """setData on a log-y plot without pyqtgraph's finite check: drop NaN/inf and y <= 0 first."""
    keep = np.isfinite(y) & (y > 0)
    if not keep.all():
        x, y = x[keep], y[keep]
    curve.setData(x, y, skipFiniteCheck=True)
