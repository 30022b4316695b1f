"""GradientsPanel: gradient flow through time (log scale, "at start" curves), the global
gradient norm per step (buffers, timer redraw, skipped NaN/inf, follow ranges), the
clipping line, clear and PNG export."""

import math

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.gui.explain.gradients_panel import FLOOR, GradientsPanel


@pytest.fixture
def panel(qtbot):
    w = GradientsPanel()
    qtbot.addWidget(w)
    w.resize(900, 420)
    w.show()
    return w


def _drawn(curve) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.xData, curve.yData
    return (np.array([]) if x is None else x), (np.array([]) if y is None else y)


def _shown(curve) -> tuple[np.ndarray, np.ndarray]:
    """What is on screen: y mapped to log10 by the plot's log mode."""
    x, y = curve.getData()
    return (np.array([]) if x is None else x), (np.array([]) if y is None else y)


def _view(plot):
    return plot.getPlotItem().getViewBox()


def _flow(t: int, rate: float, scale: float = 1.0) -> np.ndarray:
    """Norms that vanish going back in time: largest at t = T-1."""
    return (scale * rate ** (t - 1 - np.arange(t))).astype(np.float32)


def test_two_layers_draw_two_curves_characters_back_on_log_scale(panel):
    a, b = _flow(10, 0.5), _flow(10, 0.9, scale=2.0)
    panel.set_gradient_flow([a, b])
    assert len(panel.flow_curves) == 2 and panel.layer_count() == 2
    for curve, norms in zip(panel.flow_curves, (a, b)):
        x, y = _drawn(curve)
        np.testing.assert_array_equal(x, np.arange(10))  # x = characters back: T-1-t
        np.testing.assert_allclose(y, norms[::-1].astype(np.float64))  # x = 0 is t = T-1
        sx, sy = _shown(curve)
        np.testing.assert_array_equal(sx, np.arange(10))
        np.testing.assert_allclose(sy, np.log10(norms[::-1].astype(np.float64)), rtol=1e-12)
    assert panel.flow_plot.getPlotItem().getAxis("left").logMode
    assert _view(panel.flow_plot).state["xInverted"]  # the last character on the right
    legend = [label.text for _, label in panel.flow_plot.getPlotItem().legend.items]
    assert "layer 1" in legend and "layer 2" in legend
    assert "characters back" in panel.flow_plot.getPlotItem().getAxis("bottom").labelText
    # the view shows all of it, in log10 coordinates
    (x0, x1), (y0, y1) = _view(panel.flow_plot).viewRange()
    assert x0 <= 0 and x1 >= 9
    assert y0 <= math.log10(a.min()) and y1 >= math.log10(b.max()) and y1 < 5


def test_zeros_and_non_finite_norms_stay_finite(panel):
    norms = np.array([0.0, 0.0, 1e-40, np.nan, 1e-3, 0.5], dtype=np.float64)
    panel.set_gradient_flow([norms, np.zeros(6, np.float32)])
    for curve in panel.flow_curves + panel.start_curves:
        x, y = _drawn(curve)
        assert len(x) == 6 and np.isfinite(y).all() and (y >= FLOOR).all()
        assert np.isfinite(_shown(curve)[1]).all()
    y = _drawn(panel.flow_curves[0])[1]
    np.testing.assert_allclose(y, [0.5, 1e-3, FLOOR, FLOOR, FLOOR, FLOOR])
    assert np.isfinite(np.array(_view(panel.flow_plot).viewRange())).all()


def test_fewer_layers_leave_fewer_curves(panel):
    panel.set_gradient_flow([_flow(8, 0.5), _flow(8, 0.7)])
    panel.set_gradient_flow([_flow(8, 0.9)])
    assert len(panel.flow_curves) == 1 and len(panel.start_curves) == 1
    items = panel.flow_plot.getPlotItem().listDataItems()
    assert len(items) == 2  # the current curve and its "at start" curve, nothing left over
    legend = [label.text for _, label in panel.flow_plot.getPlotItem().legend.items]
    assert legend.count("layer 1") == 1 and "layer 2" not in legend
    np.testing.assert_allclose(_drawn(panel.flow_curves[0])[1], _flow(8, 0.9)[::-1])


def test_at_start_curves_keep_the_first_flow(panel):
    first = [_flow(12, 0.3), _flow(12, 0.6)]
    panel.set_gradient_flow(first)
    later = [_flow(12, 0.8), _flow(12, 0.95)]
    panel.set_gradient_flow(later)
    panel.set_gradient_flow(later)
    for k in range(2):
        np.testing.assert_allclose(_drawn(panel.start_curves[k])[1], first[k][::-1])
        np.testing.assert_allclose(_drawn(panel.flow_curves[k])[1], later[k][::-1])
        assert panel.start_curves[k].opts["pen"].style() != panel.flow_curves[k].opts["pen"].style()
    # the view covers both the start and the current curves
    _, (y0, y1) = _view(panel.flow_plot).viewRange()
    assert y0 <= math.log10(first[0].min()) and y1 >= math.log10(later[1].max())
    panel.clear()  # a new model: the next flow is its start
    panel.set_gradient_flow(later)
    np.testing.assert_allclose(_drawn(panel.start_curves[0])[1], later[0][::-1])


def test_grad_norms_in_batches_are_drawn_in_order_after_the_timer(panel, qtbot):
    steps = np.arange(1, 301, dtype=np.int64)
    norms = 1.0 + 0.5 * np.sin(steps / 7.0) + np.where(steps % 50 == 0, 40.0, 0.0)
    for a in range(0, 300, 70):
        panel.append_grad_norms(steps[a : a + 70], norms[a : a + 70])
    assert panel.point_count() == 300
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 300, timeout=3000)
    x, y = _drawn(panel.raw_curve)
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_allclose(y, norms)
    assert len(_drawn(panel.smooth_curve)[0]) == 300
    assert np.isfinite(_drawn(panel.smooth_curve)[1]).all()
    assert panel.norm_plot.getPlotItem().getAxis("left").logMode
    view = _view(panel.norm_plot)
    assert not any(view.state["autoRange"])  # follows with rounded ranges, not pyqtgraph's refit
    (x0, x1), (y0, y1) = view.viewRange()
    assert x0 <= 1 and x1 >= 300
    assert y0 <= math.log10(norms.min()) and y1 >= math.log10(norms.max()) and y1 < 3


def test_non_finite_norms_are_skipped(panel, qtbot):
    steps = np.arange(1, 21, dtype=np.int64)
    norms = np.linspace(0.5, 3.0, 20)
    norms[[2, 5]] = np.nan
    norms[[9, 10]] = [np.inf, -np.inf]
    panel.append_grad_norms(steps, norms)
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 16, timeout=3000)
    x, y = _drawn(panel.raw_curve)
    keep = np.isfinite(norms)
    np.testing.assert_array_equal(x, steps[keep])
    np.testing.assert_allclose(y, norms[keep])
    assert np.isfinite(_drawn(panel.smooth_curve)[1]).all()
    assert np.isfinite(np.array(_view(panel.norm_plot).viewRange())).all()


def test_clip_line_sits_at_the_threshold_on_the_log_axis(panel, qtbot):
    panel.append_grad_norms(np.arange(1, 11), np.full(10, 0.2))
    panel.set_clip(5.0)
    line = panel.clip_line
    assert line.isVisible()
    # an InfiniteLine has no log mode: its value is in view coordinates, log10(5) shows as 5
    assert line.value() == pytest.approx(math.log10(5.0))
    assert 10 ** line.value() == pytest.approx(5.0)
    assert panel.clip_text() == "clip 5"  # its legend entry
    legend = panel.norm_plot.getPlotItem().legend
    assert legend.getLabel(panel.clip_key).text == "clip 5"
    panel.set_clip(None)
    assert legend.getLabel(panel.clip_key) is None and not line.isVisible()
    panel.set_clip(5.0)
    assert panel.clip_value() == 5.0
    panel._flush()
    _, (y0, y1) = _view(panel.norm_plot).viewRange()
    assert y0 <= math.log10(0.2) and y1 >= math.log10(5.0)  # room for the line too
    # the line's position on screen is where a point of value 5 is drawn
    view = _view(panel.norm_plot)
    panel.append_grad_norms(np.array([11]), np.array([5.0]))
    panel._flush()
    point = _shown(panel.raw_curve)
    assert point[1][-1] == pytest.approx(line.value())
    assert view.mapViewToScene(line.pos()).y() == pytest.approx(
        view.mapViewToScene(QtCore.QPointF(0, point[1][-1])).y())
    panel.set_clip(None)
    assert not line.isVisible() and panel.clip_value() is None
    panel.set_clip(0)
    assert not line.isVisible()
    panel.set_clip(1.5)
    assert line.isVisible() and line.value() == pytest.approx(math.log10(1.5))


def test_clear_empties_both_plots(panel, qtbot):
    panel.set_gradient_flow([_flow(6, 0.5)])
    panel.append_grad_norms(np.arange(1, 11), np.linspace(1, 2, 10))
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 10, timeout=3000)
    panel.clear()
    assert panel.point_count() == 0 and panel.layer_count() == 0
    assert panel.flow_curves == [] and panel.start_curves == []
    assert panel.flow_plot.getPlotItem().listDataItems() == []
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 0, timeout=3000)
    assert len(_drawn(panel.smooth_curve)[0]) == 0
    panel.append_grad_norms(np.arange(1, 4), np.array([1.0, 2.0, 3.0]))  # a fresh run draws again
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 3, timeout=3000)


def test_zoom_by_hand_stops_following(panel):
    panel.append_grad_norms(np.arange(1, 101), np.linspace(1, 2, 100))
    panel._flush()
    view = _view(panel.norm_plot)
    view.setRange(xRange=(10, 30), padding=0)
    view.sigRangeChangedManually.emit(view.state["mouseEnabled"])
    panel.append_grad_norms(np.arange(101, 401), np.linspace(2, 3, 300))
    panel._flush()
    assert view.viewRange()[0] == pytest.approx([10, 30])
    view.enableAutoRange()  # the "A" button
    panel._flush()
    assert not any(view.state["autoRange"])
    x0, x1 = view.viewRange()[0]
    assert x0 <= 1 and x1 >= 400


def test_export_png_and_explanation(panel, tmp_path):
    label = panel.findChild(QtWidgets.QLabel, "gradientsExplainLabel")
    assert label is not None and "vanishing" in label.text() and "exploding" in label.text()
    assert panel.findChild(QtWidgets.QPushButton, "gradientsExportButton") is not None
    assert panel.objectName() == "gradientsPanel"
    panel.set_gradient_flow([_flow(10, 0.5), _flow(10, 0.9)])
    panel.append_grad_norms(np.arange(1, 51), np.linspace(1, 8, 50))
    panel.set_clip(5.0)
    path = tmp_path / "gradients.png"
    panel.export_image(path)
    image = QtGui.QImage(str(path))
    assert not image.isNull() and image.width() > 0 and image.height() > 0
    assert image.width() == 2 * panel.width()  # the whole panel, at twice the screen size


def test_fits_a_small_window(panel):
    assert panel.minimumSizeHint().width() <= 600
    for plot in (panel.flow_plot, panel.norm_plot):
        assert plot.minimumWidth() >= 150
