"""LossPlotPanel: buffers, smoothing, units, axes and image export (its CSV is the
window's loss history: test_report_export.py)."""

import math
import time

import numpy as np
import pytest

from rnnlab.core.train.trainer import History
from rnnlab.gui.plots.loss_plot import LossPlotPanel
from rnnlab.gui.plots.loss_series import ema

LN2 = math.log(2.0)


@pytest.fixture
def panel(qtbot):
    w = LossPlotPanel()
    qtbot.addWidget(w)
    w.resize(650, 380)
    w.show()
    return w


def _points(n: int, start: int = 1, chars_per_step: int = 100):
    steps = np.arange(start, start + n, dtype=np.int64)
    losses = 4.0 * np.exp(-steps / 50.0) + 1.0
    return steps, losses, steps * chars_per_step


def _drawn(curve) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.xData, curve.yData
    return (np.array([]) if x is None else x), (np.array([]) if y is None else y)


def _wait_drawn(qtbot, curve, n: int) -> None:
    qtbot.waitUntil(lambda: len(_drawn(curve)[0]) == n, timeout=3000)


def _reference_ema(x, a):
    num = den = 0.0
    out = []
    for v in x:
        if math.isfinite(v):
            num, den = a * num + (1 - a) * v, a * den + (1 - a)
        out.append(num / den if den > 0 else math.nan)
    return np.array(out)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9, 0.999])
def test_ema_in_chunks_matches_the_plain_loop(alpha):
    x = np.random.default_rng(0).random(3000) + 1.0
    x[[0, 10, 2000]] = np.nan
    x[11] = np.inf
    state, parts = (0.0, 0.0), []
    for i in range(0, len(x), 333):
        out, state = ema(x[i : i + 333], alpha, state)
        parts.append(out)
    got, want = np.concatenate(parts), _reference_ema(x, alpha)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[1:], want[1:], rtol=1e-12)


def test_appended_points_are_drawn_after_the_timer(panel, qtbot):
    steps, losses, chars = _points(200)
    panel.append_steps(steps[:120], losses[:120], chars[:120])
    panel.append_steps(steps[120:], losses[120:], chars[120:])
    assert panel.point_count() == 200
    _wait_drawn(qtbot, panel.raw_curve, 200)
    x, y = _drawn(panel.raw_curve)
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_allclose(y, losses)
    _wait_drawn(qtbot, panel.smooth_curve, 200)
    np.testing.assert_allclose(_drawn(panel.smooth_curve)[1], _reference_ema(losses, 0.9), rtol=1e-12)


def test_x_axis_switches_to_chars_and_units_to_bits(panel, qtbot):
    steps, losses, chars = _points(50)
    panel.append_steps(steps, losses, chars)
    panel.add_eval(50, 5000, 1.5)
    panel.findChild(type(panel.x_combo), "lossXAxisCombo").setCurrentIndex(1)
    panel.findChild(type(panel.units_combo), "lossUnitsCombo").setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 50 and _drawn(panel.raw_curve)[0][-1] == 5000)
    x, y = _drawn(panel.raw_curve)
    np.testing.assert_array_equal(x, chars)
    np.testing.assert_allclose(y, losses / LN2)
    vx, vy = _drawn(panel.val_curve)
    assert list(vx) == [5000] and vy[0] == pytest.approx(1.5 / LN2)
    assert "bits/char" in panel.plot.getPlotItem().getAxis("left").labelText
    assert "characters" in panel.plot.getPlotItem().getAxis("bottom").labelText


def test_log_toggle_sets_log_mode(panel, qtbot):
    panel.append_steps(*_points(30))
    panel.log_check.setChecked(True)
    assert panel.smooth_curve.opts["logMode"] == [False, True]
    assert panel.plot.getPlotItem().getAxis("left").logMode
    panel.log_check.setChecked(False)
    assert panel.smooth_curve.opts["logMode"] == [False, False]


def test_set_history_draws_the_whole_history(panel, qtbot):
    losses = [4.0, 3.5, 3.0, 2.8, 2.7]
    panel.add_eval(99, 99, 9.9)  # replaced by set_history
    panel.set_history(History(losses, [(0, 4.2), (2, 3.4), (5, 2.9)], windows=[(0, 64)]))
    assert panel.point_count() == 5
    _wait_drawn(qtbot, panel.raw_curve, 5)
    np.testing.assert_array_equal(_drawn(panel.raw_curve)[0], [1, 2, 3, 4, 5])
    assert list(_drawn(panel.raw_curve)[1]) == losses  # exact
    np.testing.assert_allclose(_drawn(panel.smooth_curve)[1], _reference_ema(losses, 0.9))
    vx, vy = _drawn(panel.val_curve)
    assert list(vx) == [0, 2, 5] and list(vy) == [4.2, 3.4, 2.9]
    panel.x_combo.setCurrentIndex(1)  # characters seen
    qtbot.waitUntil(lambda: _drawn(panel.raw_curve)[0][-1] == 320)
    assert list(_drawn(panel.raw_curve)[0]) == [64, 128, 192, 256, 320]
    assert list(_drawn(panel.val_curve)[0]) == [0, 128, 320]


def test_export_png_svg(panel, qtbot, tmp_path):
    panel.append_steps(*_points(300))
    panel.add_eval(150, 15000, 1.8)
    for name in ("loss.png", "loss.svg"):
        panel.export_image(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "loss.svg").read_text(errors="replace")


def test_smoothing_change_recomputes(panel, qtbot):
    steps, losses, chars = _points(100)
    panel.append_steps(steps, losses, chars)
    panel.smoothing_spin.setValue(0.5)
    want = _reference_ema(losses, 0.5)
    qtbot.waitUntil(lambda: np.allclose(_drawn(panel.smooth_curve)[1], want, rtol=1e-12)
                    if len(_drawn(panel.smooth_curve)[1]) == 100 else False)
    panel.append_steps(*_points(10, start=101))  # continues from the recomputed state
    _wait_drawn(qtbot, panel.smooth_curve, 110)
    full = np.concatenate([losses, _points(10, start=101)[1]])
    np.testing.assert_allclose(_drawn(panel.smooth_curve)[1], _reference_ema(full, 0.5), rtol=1e-12)


def test_raw_checkbox_hides_the_raw_curve(panel):
    panel.raw_check.setChecked(False)
    assert not panel.raw_curve.isVisible()
    panel.raw_check.setChecked(True)
    assert panel.raw_curve.isVisible()


def test_nan_and_inf_losses_are_skipped(panel, qtbot):
    steps, losses, chars = _points(20)
    losses[[3, 7]] = np.nan
    losses[9] = np.inf
    panel.append_steps(steps, losses, chars)
    panel.log_check.setChecked(True)
    _wait_drawn(qtbot, panel.raw_curve, 17)
    assert np.isfinite(_drawn(panel.raw_curve)[1]).all()
    assert np.isfinite(_drawn(panel.smooth_curve)[1]).all()


def test_a_million_points_append_in_linear_time(panel, qtbot):
    steps, losses, chars = _points(1_000_000)
    started = time.perf_counter()
    for i in range(0, 1_000_000, 1000):
        panel.append_steps(steps[i : i + 1000], losses[i : i + 1000], chars[i : i + 1000])
    assert time.perf_counter() - started < 5.0  # quadratic copying would take minutes
    assert panel.point_count() == 1_000_000
    _wait_drawn(qtbot, panel.smooth_curve, 1_000_000)


def test_clear_empties_the_plot(panel, qtbot):
    panel.append_steps(*_points(10))
    panel.add_eval(5, 500, 2.0)
    _wait_drawn(qtbot, panel.raw_curve, 10)
    panel.clear()
    assert panel.point_count() == 0
    _wait_drawn(qtbot, panel.raw_curve, 0)
    assert len(_drawn(panel.val_curve)[0]) == 0


def _view(panel):
    return panel.plot.getPlotItem().getViewBox()


def _shows_all(panel, x_lo, x_hi, y_lo, y_hi) -> bool:
    (vx0, vx1), (vy0, vy1) = _view(panel).viewRange()
    return vx0 <= x_lo and vx1 >= x_hi and vy0 <= y_lo and vy1 >= y_hi


def test_view_follows_the_data_in_rounded_steps(panel, qtbot):
    steps, losses, chars = _points(400)
    ranges = set()
    for a in range(0, 400, 20):  # 20 redraws of a growing, falling curve
        panel.append_steps(steps[a:a + 20], losses[a:a + 20], chars[a:a + 20])
        panel._flush()
        assert _shows_all(panel, 1, a + 20, losses[: a + 20].min(), losses[0])
        ranges.add(tuple(map(tuple, _view(panel).viewRange())))
    assert not any(_view(panel).state["autoRange"])  # pyqtgraph's per-update refit is off
    assert len(ranges) <= 8  # the axes were re-laid-out a few times, not at every redraw


def test_zooming_by_hand_stops_following_and_A_restores_it(panel, qtbot):
    steps, losses, chars = _points(400)
    panel.append_steps(steps[:100], losses[:100], chars[:100])
    panel._flush()
    view = _view(panel)
    view.setRange(xRange=(10, 30), yRange=(2, 3), padding=0)  # what a mouse drag does...
    view.sigRangeChangedManually.emit(view.state["mouseEnabled"])  # ...and then says so
    panel.append_steps(steps[100:], losses[100:], chars[100:])
    panel._flush()
    (x0, x1), _ = view.viewRange()
    assert (x0, x1) == pytest.approx((10, 30))  # the user's zoom is kept
    view.enableAutoRange()  # the plot's "A" button
    panel._flush()
    assert _shows_all(panel, 1, 400, losses.min(), losses.max())
    assert not any(view.state["autoRange"])
    view.setRange(xRange=(10, 30), padding=0)
    view.sigRangeChangedManually.emit(view.state["mouseEnabled"])
    panel.clear()  # after a reset the new run is followed again
    panel.append_steps(steps[:50], losses[:50], chars[:50])
    panel._flush()
    assert _shows_all(panel, 1, 50, losses[:50].min(), losses[0])


def test_view_follows_bits_and_log_axes(panel, qtbot):
    steps, losses, chars = _points(100)
    panel.append_steps(steps, losses, chars)
    panel.units_combo.setCurrentIndex(1)
    panel._flush()
    assert _shows_all(panel, 1, 100, losses.min() / LN2, losses.max() / LN2)
    panel.log_check.setChecked(True)
    panel._flush()
    assert _shows_all(panel, 1, 100, math.log10(losses.min() / LN2), math.log10(losses.max() / LN2))
    (_, _), (y0, y1) = _view(panel).viewRange()
    assert y1 < 2  # log10 coordinates, not the raw values


def test_baseline_line_follows_units_and_log(panel, qtbot):
    panel.append_steps(*_points(50))
    panel.set_baseline(1.5, "5-gram baseline")
    panel._flush()
    line = panel.baseline_line
    assert line.isVisible() and line.value() == pytest.approx(1.5)
    assert panel.baseline_text() == "5-gram baseline 1.50 nats/char"  # its legend entry
    panel.units_combo.setCurrentIndex(1)
    panel._flush()
    assert line.value() == pytest.approx(1.5 / LN2) and "bits/char" in panel.baseline_text()
    panel.log_check.setChecked(True)
    panel._flush()
    assert line.value() == pytest.approx(math.log10(1.5 / LN2))
    assert _shows_all(panel, 1, 50, math.log10(1.5 / LN2), math.log10(1.5 / LN2))
    panel.set_baseline(None)
    panel._flush()
    assert not line.isVisible() and panel.baseline_text() == ""


def test_a_long_run_is_drawn_with_at_most_two_points_a_pixel(panel, qtbot):
    """Painting cost must not grow with the run: per pixel column only its lowest and
    highest loss, and the lowest and highest step of the run stay in."""
    panel.resize(700, 300)
    n = 50_000
    steps = np.arange(1, n + 1)
    loss = 2 + np.sin(steps / 50.0)
    panel.append_steps(steps, loss, steps * 100)
    panel._flush()
    qtbot.wait(50)
    width = panel.plot.getPlotItem().getViewBox().width()
    for curve in (panel.raw_curve, panel.smooth_curve):
        x, y = curve.curve.getData()
        assert 0 < len(x) <= 2 * width + 10, (len(x), width)
    x, y = panel.raw_curve.curve.getData()
    assert np.nanmin(y) == pytest.approx(1.0, abs=1e-3) and np.nanmax(y) == pytest.approx(3.0, abs=1e-3)


def test_a_resumed_history_with_other_windows_keeps_its_characters(panel, qtbot):
    # steps 1-3 at 64 chars a step, then resumed at 128 a step
    panel.set_history(History([4.0, 3.5, 3.0, 2.8, 2.7], [(3, 3.1), (5, 2.9)], windows=[(0, 64), (3, 128)]))
    panel.x_combo.setCurrentIndex(1)  # characters seen
    qtbot.waitUntil(lambda: len(_drawn(panel.raw_curve)[0]) == 5 and _drawn(panel.raw_curve)[0][-1] == 448)
    assert list(_drawn(panel.raw_curve)[0]) == [64, 128, 192, 320, 448]
    assert list(_drawn(panel.val_curve)[0]) == [192, 448]


def test_the_learning_rate_is_drawn_on_its_own_axis_and_can_be_hidden(panel, qtbot):
    steps, losses, chars = _points(300)
    rates = 1e-3 * np.minimum(steps / 100, 1.0)
    panel.append_steps(steps, losses, chars, rates)
    qtbot.waitUntil(lambda: len(panel.lr_curve.points()[0]) == 300, timeout=3000)
    x, y = panel.lr_curve.points()
    assert np.array_equal(x, steps) and np.allclose(y, rates)
    low, high = panel.lr_curve.view.viewRange()[1]
    assert low == 0 and 1e-3 < high < 1.2e-3  # 0 to the highest rate, whatever the loss axis shows
    assert panel.plot.getPlotItem().getAxis("right").isVisible()
    panel.lr_check.setChecked(False)
    assert not panel.lr_curve.curve.isVisible() and not panel.plot.getPlotItem().getAxis("right").isVisible()


def test_a_history_draws_its_rates_and_unknown_rates_leave_gaps(panel, qtbot):
    history = History(train_loss=[3.0, 2.5, 2.0, 1.8], windows=[(0, 100)], lrs=[float("nan"), float("nan"), 2e-3, 1e-3])
    panel.set_history(history)
    qtbot.waitUntil(lambda: len(panel.lr_curve.points()[0]) == 2, timeout=3000)
    x, y = panel.lr_curve.points()
    assert x.tolist() == [3, 4] and y.tolist() == [2e-3, 1e-3]
