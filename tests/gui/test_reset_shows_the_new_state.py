"""After Reset every panel shows the new, empty state: nothing of the old run is left on screen."""

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from tests.gui.window_helpers import child


def _train_and_sample(window, qtbot):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 40, timeout=20000)
    window.stop_training()
    qtbot.waitUntil(lambda: window.loss_plot.point_count() >= 40, timeout=10000)
    qtbot.waitUntil(lambda: window.heatmap.current_array() is not None, timeout=10000)
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(80)
    window.sampling.generate(panel.settings())
    qtbot.waitUntil(lambda: panel.last_memorisation() is not None, timeout=15000)


def _x_range(window):
    return window.loss_plot.plot.getPlotItem().getViewBox().viewRange()[0]


def test_reset_empties_every_panel(window, qtbot):
    _train_and_sample(window, qtbot)
    qtbot.waitUntil(lambda: _x_range(window)[1] >= 40, timeout=5000)  # the plot redraws on its timer
    assert window.sampling_panel.text()
    window.answers.unsaved = "discard"
    window.reset_model()
    qtbot.waitUntil(lambda: window.session.thread is None, timeout=10000)
    QCoreApplication.processEvents()  # whatever the old worker still had queued: it changes nothing
    assert window.session.trainer is None
    assert child(window, QLabel, "stepLabel").text() == "step 0"
    assert child(window, QLabel, "lossLabel").text() == "loss –"
    assert window.loss_plot.point_count() == 0 and _x_range(window)[1] <= 1
    assert window.heatmap.current_array() is None and window.heatmap.view.placeholder.isVisible()
    panel = window.sampling_panel
    assert panel.text() == "" and panel.last_sample() == "" and panel.last_memorisation() is None
    assert not panel.memorisationLabel.isVisibleTo(panel) and window.sampling.last_request is None


def _a_long_sample_under_way(window, qtbot, start) -> None:
    """One step of training, then a 5,000-character sample started by `start()`."""
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10000)
    window.sampling_panel.sampleLengthSpin.setValue(5000)
    start()
    qtbot.waitUntil(lambda: len(window.sampling_panel.text()) > 20, timeout=10000)


def test_reset_during_a_sample_drops_the_rest_of_it(window, qtbot):
    panel = window.sampling_panel
    _a_long_sample_under_way(window, qtbot, lambda: window.sampling.generate(panel.settings()))
    window.answers.unsaved = "discard"
    window.reset_model()
    qtbot.waitUntil(lambda: not window.sampling.busy, timeout=10000)  # the old generation has ended
    assert panel.text() == "" and not panel.is_generating()


def test_the_panels_stop_button_stops_a_sample_at_once(window, qtbot):
    panel = window.sampling_panel
    _a_long_sample_under_way(window, qtbot, panel.sampleButton.click)  # Generate
    reasons = []
    window.sampling.worker.finished.connect(reasons.append)
    panel.sampleButton.click()  # Stop
    qtbot.waitUntil(lambda: bool(reasons), timeout=5000)
    assert reasons == ["stopped"] and len(panel.last_sample()) < 5000
