"""The "inside the network" tabs in the window: routing, hidden tabs cost nothing,
the gradient flow is computed only while its tab is shown."""

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QSpinBox
from window_helpers import Answers

from rnnlab.gui import MainWindow
from rnnlab.gui.workers.training_worker import GRADIENT_INTERVAL


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, "prompts", Answers())
    win = MainWindow("builtin:hello")
    win.model_panel.apply_preset("micro")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.session.dirty = False
    win.close()


def test_every_view_is_a_tab_and_hidden_ones_wait_for_the_latest_probe(window, qtbot):
    tabs = window.explain
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Hidden state", "Gates", "Gradients", "Neuron hunt", "Next char", "Temperature", "Step through"]
    fed = []
    tabs.next_char.set_probe = lambda result, vocab: fed.append(result)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.heatmap.current_array() is not None, timeout=10000)
    assert fed == []  # not shown: not redrawn
    tabs.show_view(tabs.next_char)
    assert len(fed) == 1 and fed[0] is tabs._result  # opened: gets the latest probe at once
    window.stop_training()


def test_gradient_flow_is_computed_only_while_its_tab_is_shown(window, qtbot):
    flows = []
    window.session.gradients.connect(flows.append)
    window.toggle_training()
    # the steps are counted in the worker; their norms reach the view with the next metrics batch
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 20
                    and window.explain.gradients.point_count() > 0, timeout=10000)
    assert flows == [] and window.explain.gradients.point_count() > 0  # norms still recorded
    window.explain.show_view(window.explain.gradients)
    qtbot.waitUntil(lambda: len(flows) >= 1, timeout=10000)
    assert window.explain.gradients.layer_count() == 1
    assert len(flows[0][0]) == window.session.trainer.config.seq
    assert np.isfinite(flows[0][0]).all() and flows[0][0][-1] > 0
    window.explain.show_view(window.heatmap)
    seen, trainer = len(flows), window.session.trainer
    # long enough in training time for two more flows if they were still wanted (one a second)
    start = trainer.train_seconds
    qtbot.waitUntil(lambda: trainer.train_seconds >= start + 2.5 * GRADIENT_INTERVAL, timeout=30_000)
    QCoreApplication.processEvents()
    assert len(flows) <= seen + 1  # at most one already on its way
    window.stop_training()
    assert window.explain.gradients.clip_value() == window.session.trainer.config.clip


def test_step_through_and_temperature_use_a_snapshot_of_the_model(window, qtbot):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10000)
    step = window.explain.step_through
    window.explain.show_view(step)
    assert window.session.worker is not None  # paused after its step: the copy is made between steps
    step.reset()
    assert step.message() == "Reading the model…" and not step.next_button.isEnabled()
    qtbot.waitUntil(lambda: step.message() == "" and step.next_button.isEnabled(), timeout=10000)
    assert step.next_char() and step.position() == 1
    temperature = window.explain.temperature
    temperature.findChild(QSpinBox, "tempLengthSpin").setValue(40)
    assert temperature.generate()
    # 40 characters can be written before a poll would see the view running: wait for the texts.
    qtbot.waitUntil(lambda: not temperature.is_running() and len(temperature.outputs()) > 0
                    and all(len(text) == 40 for text in temperature.outputs()), timeout=10000)
    assert len(temperature.outputs()) == len(temperature.temperatures())


def test_next_char_view_reads_the_last_sample(window, qtbot):
    tabs = window.explain
    tabs.show_view(tabs.next_char)
    tabs.next_char_source.setCurrentIndex(1)
    assert "Generate a sample first" in tabs.next_char.error_text()
    window.step_once()
    qtbot.waitUntil(lambda: window.session.state == "paused" or window.session.trainer.step_count >= 1,
                    timeout=10000)
    window.sampling_panel.sampleLengthSpin.setValue(60)
    window.sampling_panel.primeEdit.setText("hello")
    window.sampling.generate(window.sampling_panel.settings())
    qtbot.waitUntil(lambda: not window.sampling.busy, timeout=10000)
    sample = window.sampling_panel.last_sample()
    assert len(sample) == 60
    qtbot.waitUntil(lambda: tabs.next_char.probe()[0] is not None, timeout=5000)
    assert tabs.next_char.probe()[0].text == sample and tabs.next_char.error_text() == ""
    tabs.next_char_source.setCurrentIndex(0)  # back to the live heatmap text
    assert tabs.next_char.probe()[0] is None or tabs.next_char.probe()[0].text != sample
