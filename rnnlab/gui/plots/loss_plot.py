"""LossPlotPanel: training and validation loss curves, live while the model trains.

A pure view: the main window feeds it numpy arrays (`append_steps`, `add_eval`) or a whole
history from a checkpoint (`set_history`). All points are kept in growing numpy buffers
(capacity doubles, so appending is amortised O(new points)); the smoothed curve is an
exponential moving average computed only for the new points. The curves are redrawn from
a 5 Hz timer, and only when something changed. The view follows the data with rounded
ranges that change rarely (plot_range.py) instead of pyqtgraph's refit on every update;
zooming or panning by hand stops the following, the plot's "A" button restores it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers pg.exporters)
from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.train.events import LN2
from rnnlab.core.train.trainer import History
from rnnlab.gui.look import colors, theme, top_legend
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.top_legend import add_top_legend
from rnnlab.gui.look.widget_image import widget_png
from rnnlab.gui.plots.loss_series import LossSeries
from rnnlab.gui.plots.lr_curve import LrCurve
from rnnlab.gui.plots.plot_parts import CompactAxis, baseline_text, set_curve
from rnnlab.gui.plots.plot_range import follow_view

REDRAW_MS = 200  # 5 Hz: live to the eye at a fraction of a core (benchmarks/RESULTS.md)


class LossPlotPanel(QtWidgets.QWidget):
    """Raw and smoothed training loss, validation loss; units, axes, smoothing, export."""

    export_requested = QtCore.Signal()  # the Export button: the window asks where and writes

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._series = LossSeries()
        self._evals: list[tuple[int, int, float]] = []  # (step, chars, val loss)
        self._dirty = False
        self._resmooth_pending = False
        self._follow = True  # the view follows the data until the user zooms or pans
        self._baseline: float | None = None  # nats/char of a simple model to beat (n-gram)
        self._baseline_label = ""
        self._build_toolbar()
        self._build_plot()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self.toolbar = QtWidgets.QWidget(objectName="lossToolbar")  # presentation mode hides it
        self.toolbar.setLayout(self._toolbar)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._update_labels()
        theme.follow(self, LossPlotPanel._restyle)

    # --- construction ---------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.x_combo = _combo("lossXAxisCombo", ["steps", "chars"],
                              "Horizontal axis: training steps or characters seen")
        self.units_combo = _combo("lossUnitsCombo", ["nats/char", "bits/char"],
                                  "Loss units: bits = nats / ln 2")
        self.log_check = _check("lossLogCheck", "log y", False, "Logarithmic loss axis")
        self.smoothing_spin = QtWidgets.QDoubleSpinBox(objectName="lossSmoothingSpin")
        self.smoothing_spin.setRange(0.0, 0.999)
        self.smoothing_spin.setDecimals(3)
        self.smoothing_spin.setSingleStep(0.01)
        self.smoothing_spin.setValue(0.9)
        self.smoothing_spin.setPrefix("smooth ")  # its word inside: one widget less on a narrow row
        self.smoothing_spin.setToolTip("Smoothing of the thick curve (moving average): 0 = none")
        self.raw_check = _check("lossRawCheck", "raw", True, "Show the loss of every single step")
        self.lr_check = _check("lossLrCheck", "lr", True,
                               "Show each step's learning rate (right axis): the warm-up, then its "
                               "fall to the end of the budget")
        # an icon: the File menu has it in words (Ctrl+E), and the words cost a 1024-px
        # window's plot a second toolbar row
        self.export_button = QtWidgets.QToolButton(objectName="lossExportButton")
        self.export_button.setIcon(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DialogSaveButton))
        self.export_button.setToolTip("Export… the plot as PNG or SVG, or the numbers as CSV (Ctrl+E)")
        self.export_button.setAccessibleName("Export…")
        self._toolbar = row = FlowLayout()
        for widget in (self.x_combo, self.units_combo, self.log_check, self.smoothing_spin,
                       self.raw_check, self.lr_check, self.export_button):
            row.addWidget(widget)
        self.x_combo.currentIndexChanged.connect(self._on_axes_changed)
        self.units_combo.currentIndexChanged.connect(self._on_axes_changed)
        self.log_check.toggled.connect(self._on_log_toggled)
        self.smoothing_spin.valueChanged.connect(self._on_smoothing_changed)
        self.raw_check.toggled.connect(self._on_raw_toggled)
        self.lr_check.toggled.connect(self._on_lr_toggled)
        self.export_button.clicked.connect(self.export_requested)

    def _build_plot(self) -> None:
        self.plot = colors.loss_plot_widget("lossPlot", 140, axisItems={"bottom": CompactAxis("bottom")})
        item = self.plot.getPlotItem()
        add_top_legend(item, pt=10)  # above the data: over it, it hid the curve on a small plot
        self.raw_curve = item.plot(name="each step")
        colors.style_pen(self.raw_curve, colors.BLUE, 1, alpha=75)
        self.smooth_curve = item.plot(name="smoothed")
        colors.style_pen(self.smooth_curve, colors.DARK_BLUE, 2.5)
        self.val_curve = item.plot(symbol="o", name="validation")
        colors.style_pen(self.val_curve, colors.ORANGE, 2)
        colors.style_symbols(self.val_curve, colors.ORANGE, 7)
        for curve in (self.raw_curve, self.smooth_curve):
            colors.draw_thinned(curve)
        item.getViewBox().sigRangeChangedManually.connect(self._on_range_changed_by_hand)
        self.baseline_line = pg.InfiniteLine(angle=0, movable=False)
        colors.style_line(self.baseline_line, colors.AXIS, 1.5)
        self.baseline_line.setObjectName("lossBaselineLine")
        self.baseline_line.hide()
        item.addItem(self.baseline_line, ignoreBounds=True)
        # the line's words go in the legend: written on the line, the curves struck them
        # through, and on a short plot the view had to grow far below the data to show them
        self.baseline_key = pg.PlotDataItem()
        colors.style_pen(self.baseline_key, colors.AXIS, 1.5, dash=True)
        self.lr_curve = LrCurve(item)

    # --- data in ----------------------------------------------------------------------

    def append_steps(self, steps: np.ndarray, losses: np.ndarray, chars: np.ndarray,
                     lrs: np.ndarray | None = None) -> None:
        """New training points: step numbers, losses (nats/char), characters seen, and
        the steps' learning rates where known."""
        if len(losses):
            self._series.append(steps, losses, chars, self.smoothing_spin.value(), lrs=lrs)
            self._mark_dirty()

    def add_eval(self, step: int, chars: int, val_loss: float) -> None:
        self._evals.append((int(step), int(chars), float(val_loss)))
        self._mark_dirty()

    def set_history(self, history: History) -> None:
        """Replace everything with a whole history (from a checkpoint). The characters seen
        come from the history's own windows: a run resumed with another batch or sequence
        length read more or fewer characters a step from then on."""
        self.clear()
        steps = np.arange(1, len(history.train_loss) + 1, dtype=np.int64)
        self.append_steps(steps, np.asarray(history.train_loss, dtype=np.float64), history.chars_at(steps),
                          np.asarray(history.lrs, dtype=np.float64) if len(history.lrs) == len(steps) else None)
        eval_steps = [int(s) for s, _ in history.evals]
        eval_chars = history.chars_at(eval_steps).tolist() if eval_steps else []
        self._evals = [(s, int(c), float(v)) for s, c, (_, v) in zip(eval_steps, eval_chars, history.evals)]
        self._mark_dirty()

    def clear(self) -> None:
        """No points, and the axes of an empty plot (not the old run's last range)."""
        self._series.clear()
        self._evals = []
        self._follow = True
        self.plot.getPlotItem().getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.0)
        self._mark_dirty()

    def set_baseline(self, loss: float | None, label: str = "") -> None:
        """A dashed horizontal line at `loss` nats/char (e.g. the n-gram baseline); None hides it."""
        self._baseline = loss
        self._baseline_label = label
        self._mark_dirty()

    def baseline(self) -> float | None:
        return self._baseline

    def baseline_label(self) -> str:
        """What the baseline line says it measured ("" without a line)."""
        return self._baseline_label if self._baseline is not None else ""

    def point_count(self) -> int:
        return self._series.n

    # --- export -----------------------------------------------------------------------

    def png_bytes(self, scale: float = 2.0) -> bytes:
        """The plot as it looks now (without the toolbar), `scale` times its size on screen,
        as PNG bytes: for the run report."""
        self._flush()
        return widget_png(self.plot, scale)

    def export_image(self, path: str | Path) -> None:
        """PNG, or SVG when the path ends in .svg; written atomically, SaveError on failure."""
        self._flush()
        atomic_write(path, self._svg_bytes() if str(path).lower().endswith(".svg") else self._png_file_bytes())

    def _png_file_bytes(self) -> bytes:
        image = pg.exporters.ImageExporter(self.plot.getPlotItem()).export(toBytes=True)
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data())

    def _svg_bytes(self) -> bytes:
        item = self.plot.getPlotItem()
        try:
            return pg.exporters.SVGExporter(item).export(toBytes=True)
        except ValueError:  # pyqtgraph 0.14 cannot parse Qt 6's closed paths ("... Z"), #3495
            return _render_svg(item)

    # --- drawing ----------------------------------------------------------------------

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if not (self._dirty or self._resmooth_pending):
            self._timer.stop()  # idle: wake up again on the next change
            return
        self._flush()

    def _flush(self) -> None:
        if self._resmooth_pending:  # deferred here so that spinning the box stays smooth
            self._series.resmooth(self.smoothing_spin.value())
            self._resmooth_pending = False
        self._redraw()
        self._dirty = False

    def _redraw(self) -> None:
        s, n = self._series, self._series.n
        use_chars = self.x_combo.currentIndex() == 1
        scale = 1.0 / LN2 if self.units_combo.currentIndex() == 1 else 1.0
        x = (s.chars if use_chars else s.steps)[:n]
        log = self.log_check.isChecked()
        if self.raw_check.isChecked():
            set_curve(self.raw_curve, x, s.loss[:n] * scale, s.nonfinite > 0, log)
        # the smoothed curve is NaN only before the first finite loss
        set_curve(self.smooth_curve, x, s.smooth[:n] * scale, s.nonfinite > 0, log)
        ev = np.array([(e[1] if use_chars else e[0], e[2]) for e in sorted(self._evals)], dtype=np.float64)
        ev = ev.reshape(-1, 2)
        set_curve(self.val_curve, ev[:, 0], ev[:, 1] * scale, True, log)
        if self.lr_curve.curve.isVisible():
            self.lr_curve.draw(x, s.lr[:n], s.lr_max)
        self._draw_baseline(scale, log)
        self._follow_data(x, ev, scale, log)

    def _draw_baseline(self, scale: float, log: bool) -> None:
        b = self._baseline
        visible = b is not None and math.isfinite(b) and b > 0
        self.baseline_line.setVisible(visible)
        legend = self.plot.getPlotItem().legend
        text = ""
        if visible:
            self.baseline_line.setPos(math.log10(b * scale) if log else b * scale)
            unit = "bits" if scale != 1.0 else "nats"
            text, _, note = baseline_text(self._baseline_label, b * scale, unit).partition("\n")
        label = legend.getLabel(self.baseline_key)
        if not visible and label is not None:
            legend.removeItem(self.baseline_key)
        elif visible and label is None:
            legend.addItem(self.baseline_key, text)
        elif visible and label.text != text:
            label.setText(text)
            top_legend.refit(self.plot.getPlotItem())  # a longer or shorter entry
        label = legend.getLabel(self.baseline_key)
        if label is not None:  # what it measured: a hover away (one more legend line cost the curves)
            label.setToolTip(note)

    def baseline_note(self) -> str:
        """What the baseline measured, as its legend entry's tooltip says ("" without a line)."""
        label = self.plot.getPlotItem().legend.getLabel(self.baseline_key)
        return label.toolTip() if label is not None else ""

    def baseline_text(self) -> str:
        """What the baseline's legend entry says ("" without a line)."""
        label = self.plot.getPlotItem().legend.getLabel(self.baseline_key)
        return label.text if label is not None else ""

    def _restyle(self, look) -> None:
        """Presentation mode draws no learning rate (fewer things; the toolbar that turns it
        on is hidden); the normal look as chosen."""
        self._on_lr_toggled(self.lr_check.isChecked() and not look.presentation)
        self._mark_dirty()

    def _follow_data(self, x: np.ndarray, ev: np.ndarray, scale: float, log: bool) -> None:
        view = self.plot.getPlotItem().getViewBox()
        if any(view.state["autoRange"]):  # pyqtgraph's own auto-range (start, "A" button)
            view.disableAutoRange()
            self._follow = True
        if not self._follow:
            return
        s = self._series
        lo, hi = s.loss_bounds if self.raw_check.isChecked() else s.smooth_bounds
        xs = [float(x[0]), float(x[-1])] if len(x) else []
        ys = [lo, hi] if lo <= hi else []
        evals = ev[np.isfinite(ev[:, 1])]
        xs += [float(evals[:, 0].min()), float(evals[:, 0].max())] if len(evals) else []
        ys += [float(evals[:, 1].min()), float(evals[:, 1].max())] if len(evals) else []
        ys += [self._baseline] if self.baseline_line.isVisible() and xs else []
        ys = [y * scale for y in ys]
        if log:
            ys = [math.log10(y) for y in ys if y > 0]
        follow_view(view, xs, ys)

    def _update_labels(self) -> None:
        item = self.plot.getPlotItem()
        x_text = "characters seen" if self.x_combo.currentIndex() == 1 else "training step"
        colors.set_label(item, "bottom", x_text, 11)
        units = self.units_combo.currentText()
        colors.set_label(item, "left", f"loss ({units})", 11, short=units)

    # --- controls -----------------------------------------------------------------------

    def _on_axes_changed(self, _index: int) -> None:
        self._update_labels()
        self._mark_dirty()

    def _on_log_toggled(self, checked: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=checked)
        self._mark_dirty()

    def _on_smoothing_changed(self, _value: float) -> None:
        self._resmooth_pending = True
        self._mark_dirty()

    def _on_range_changed_by_hand(self, *_args) -> None:
        self._follow = False

    def _on_lr_toggled(self, checked: bool) -> None:
        self.lr_curve.set_visible(checked)
        self._mark_dirty()

    def _on_raw_toggled(self, checked: bool) -> None:
        self.raw_curve.setVisible(checked)
        self._mark_dirty()


def _render_svg(item: pg.PlotItem) -> bytes:
    """The item as Qt's own SVG: a fallback when pyqtgraph's SVGExporter fails."""
    source = item.sceneBoundingRect()
    target = QtCore.QRectF(0, 0, source.width(), source.height())
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    generator = QtSvg.QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(target.size().toSize())
    generator.setViewBox(target)
    painter = QtGui.QPainter(generator)
    try:
        item.scene().render(painter, target, source)
    finally:
        painter.end()
    return bytes(buffer.data())


def _combo(name: str, items: list[str], tip: str) -> QtWidgets.QComboBox:
    combo = QtWidgets.QComboBox(objectName=name)
    combo.addItems(items)
    combo.setToolTip(tip)
    return combo


def _check(name: str, text: str, checked: bool, tip: str) -> QtWidgets.QCheckBox:
    check = QtWidgets.QCheckBox(text, objectName=name)
    check.setChecked(checked)
    check.setToolTip(tip)
    return check
