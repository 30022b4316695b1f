"""TemperaturePanel: the same prime and seed sampled at several temperatures, in parallel threads."""

import pytest
import torch
from PySide6 import QtGui, QtWidgets
from window_helpers import answers

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.sampler import SampleSettings, sample_text
from rnnlab.gui.explain.temperature_panel import TemperatureError, TemperaturePanel, parse_temperatures

CHARS = "\n abcdefgh"


@pytest.fixture
def model_and_vocab():
    """A tiny LSTM with a peaked output: its favourite character clearly wins at low T."""
    torch.manual_seed(0)
    vocab = Vocabulary(chars=list(CHARS))
    model = CharRNN(ModelConfig(vocab_size=len(vocab), cell="lstm", hidden=16, layers=1))
    with torch.no_grad():
        model.decoder.weight.mul_(8.0)
    return model, vocab


@pytest.fixture
def panel(qtbot, model_and_vocab):
    widget = TemperaturePanel(chunk_interval=0.002)
    qtbot.addWidget(widget)
    widget.set_model_source(answers(model_and_vocab))
    yield widget
    threads = widget.threads()
    assert widget.shutdown()
    assert not any(thread.isRunning() for thread in threads)


def _wait_done(qtbot, panel, timeout=20_000):
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=timeout)


def test_parse_temperatures():
    assert parse_temperatures("0.2, 0.5, 1.0, 1.5") == [0.2, 0.5, 1.0, 1.5]
    assert parse_temperatures(" 0.7 1;2 ") == [0.7, 1.0, 2.0]
    for bad in ("", "0", "-1", "5.5", "abc", "1, 2, 3, 4, 5, 1, 2", "nan", "inf"):
        with pytest.raises(TemperatureError):
            parse_temperatures(bad)
    assert parse_temperatures("5") == [5.0]


def test_defaults_and_widgets(panel):
    assert panel.objectName() == "temperaturePanel"
    assert panel.findChild(QtWidgets.QSpinBox, "tempLengthSpin").value() == 300
    assert panel.findChild(QtWidgets.QLineEdit, "temperaturesEdit").text() == "0.2, 0.5, 1.0, 1.5"
    assert panel.temperatures() == [0.2, 0.5, 1.0, 1.5]
    for name in ("tempPrimeEdit", "tempGenerateButton", "temperatureErrorLabel", "temperatureExplainLabel",
                 "temperatureExportButton"):
        assert panel.findChild(QtWidgets.QWidget, name) is not None, name
    assert panel.minimumSizeHint().width() <= 300


def test_four_columns_fill_and_stream(qtbot, panel, model_and_vocab):
    panel.length_spin.setValue(600)
    panel.prime_edit.setText("ab")
    chunks = {k: 0 for k in range(4)}
    panel.chunk_received.connect(lambda k, _text: chunks.__setitem__(k, chunks[k] + 1))
    assert panel.generate()
    assert panel.is_running() and panel.generate_button.text() == "Stop"
    _wait_done(qtbot, panel)
    outputs = panel.outputs()
    assert [len(text) for text in outputs] == [600] * 4
    assert all(set(text) <= set(CHARS) for text in outputs)
    assert all(n >= 3 for n in chunks.values()), chunks  # streamed, not all at the end
    for k, temp in enumerate([0.2, 0.5, 1.0, 1.5]):
        column = panel.findChild(QtWidgets.QPlainTextEdit, f"tempOutput{k}")
        assert column is not None and column.isReadOnly() and column.toPlainText() == outputs[k]
        assert panel.findChild(QtWidgets.QLabel, f"tempHeader{k}").text() == f"T = {temp:g}"
        # the same seed and temperature give the same text as the core sampler
        assert outputs[k] == sample_text(*model_and_vocab, SampleSettings(prime="ab", length=600,
                                                                          temperature=temp, seed=0))
    assert panel.generate_button.text() == "Generate"


def test_low_temperature_is_more_repetitive(qtbot, panel):
    panel.temperatures_edit.setText("0.05, 2.0")
    panel.seed_spin.setValue(3)
    assert panel.generate()
    _wait_done(qtbot, panel)
    low, high = panel.outputs()
    assert len(low) == len(high) == 300
    assert len(set(low)) < len(set(high))
    assert panel.findChild(QtWidgets.QPlainTextEdit, "tempOutput2") is None  # two columns now
    assert panel.generate()  # the same seed: the same texts again
    _wait_done(qtbot, panel)
    assert panel.outputs() == [low, high]


def test_stop_ends_every_column(qtbot, panel):
    panel.length_spin.setValue(20_000)
    panel.temperatures_edit.setText("0.5, 1, 1.5")
    assert panel.generate()
    qtbot.waitUntil(lambda: all(panel.outputs()), timeout=10_000)
    panel.generate_button.click()  # the button says Stop while running
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=2000)
    assert all(0 < len(text) < 20_000 for text in panel.outputs())
    assert panel.generate_button.text() == "Generate"


def test_generate_again_while_running_restarts_cleanly(qtbot, panel, model_and_vocab):
    panel.length_spin.setValue(20_000)
    assert panel.generate()
    qtbot.waitUntil(lambda: all(panel.outputs()), timeout=10_000)
    panel.length_spin.setValue(50)
    panel.temperatures_edit.setText("1.0, 0.3")
    assert panel.generate()
    _wait_done(qtbot, panel)
    qtbot.wait(50)  # nothing late from the old run may arrive
    expected = [sample_text(*model_and_vocab, SampleSettings(length=50, temperature=t, seed=0)) for t in (1.0, 0.3)]
    assert panel.outputs() == expected
    assert panel.error_label.isHidden()


def test_bad_temperatures_show_an_error(qtbot, panel):
    for text, words in (("0.5, abc", "abc"), ("0", "above 0"), ("1 2 3 4 5 6 7", "at most 6"), ("", "1 to 6")):
        panel.temperatures_edit.setText(text)
        assert not panel.generate()
        assert not panel.is_running()
        assert not panel.error_label.isHidden() and words in panel.error_label.text(), text
        assert panel.temperatures() == []
    panel.temperatures_edit.clear()
    qtbot.keyClicks(panel.temperatures_edit, "1.0, 9")  # typing: the message comes at once
    assert "9" in panel.error_label.text() and not panel.error_label.isHidden()
    qtbot.keyClick(panel.temperatures_edit, QtGui.Qt.Key.Key_Backspace)
    qtbot.keyClicks(panel.temperatures_edit, "2")
    assert panel.error_label.isHidden()  # fixed: the message goes
    assert panel.temperatures() == [1.0, 2.0]


def test_no_model_and_unknown_prime_characters(qtbot, panel, model_and_vocab):
    panel.set_model_source(None)
    assert not panel.generate()
    assert "Train or open a model first" in panel.error_label.text()
    panel.set_model_source(answers(None))
    assert not panel.generate()
    assert "Train or open a model first" in panel.error_label.text()

    def broken(then, fail):
        fail(RuntimeError("no snapshot"))

    panel.set_model_source(broken)
    assert not panel.generate()
    assert "no snapshot" in panel.error_label.text()

    panel.set_model_source(answers(model_and_vocab))
    panel.prime_edit.setText("hxz")
    assert not panel.generate()
    message = panel.error_label.text()
    assert "'x'" in message and "'z'" in message and not panel.is_running()
    panel.prime_edit.setText("had")  # the app keeps working
    panel.length_spin.setValue(20)
    assert panel.generate()
    _wait_done(qtbot, panel)
    assert panel.error_label.isHidden() and [len(t) for t in panel.outputs()] == [20] * 4


def test_shutdown_while_running_then_generate_again(qtbot, panel):
    panel.length_spin.setValue(20_000)
    assert panel.generate()
    qtbot.waitUntil(lambda: all(panel.outputs()), timeout=10_000)
    threads = panel.threads()
    assert len(threads) == 4 and all(thread.isRunning() for thread in threads)
    assert panel.shutdown()
    assert not any(thread.isRunning() for thread in threads)
    assert not panel.is_running() and panel.threads() == []
    panel.length_spin.setValue(30)  # fresh threads
    assert panel.generate()
    _wait_done(qtbot, panel)
    assert [len(t) for t in panel.outputs()] == [30] * 4


def test_export_png(qtbot, panel, tmp_path):
    panel.resize(600, 400)
    path = tmp_path / "temperature.png"
    assert panel.export_image(str(path))
    assert not QtGui.QImage(str(path)).isNull()
    assert not panel.export_image(str(tmp_path / "missing" / "x.png"))
    assert "Could not export" in panel.error_label.text()
