"""StepThroughPanel: one character at a time through a tiny model, with every number shown."""

import numpy as np
import pytest
import torch
from PySide6 import QtGui, QtWidgets
from window_helpers import answers

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import probe_ids
from rnnlab.gui.explain.step_through_panel import StepThroughPanel
from rnnlab.gui.explain.step_walk import nice_level

VOCAB = Vocabulary(chars=sorted(set("\n helo wrd abc")))
TEXT = "hello world"


def tiny(cell: str, hidden: int = 8, layers: int = 1, embedding: int = 0) -> CharRNN:
    torch.manual_seed(1)
    return CharRNN(ModelConfig(vocab_size=len(VOCAB), cell=cell, hidden=hidden, layers=layers,
                               embedding=embedding))


@pytest.fixture
def panel(qtbot):
    widget = StepThroughPanel()
    qtbot.addWidget(widget)
    return widget


def _plain(label: QtWidgets.QLabel) -> str:
    doc = QtGui.QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def test_widgets_and_defaults(panel):
    assert panel.objectName() == "stepThroughPanel"
    assert panel.findChild(QtWidgets.QLineEdit, "stepTextEdit").text() == TEXT
    for name in ("stepNextButton", "stepResetButton", "stepPositionLabel", "stepEquationLabel",
                 "stepThroughExplainLabel", "stepThroughExportButton", "stepLayerCombo"):
        assert panel.findChild(QtWidgets.QWidget, name) is not None, name
    assert panel.next_button.shortcut().isEmpty()
    assert panel.position() == 0 and panel.current_step() is None
    assert panel.minimumSizeHint().width() <= 300


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,embedding", [(1, 0), (2, 5)])
def test_steps_match_the_probe(panel, cell, layers, embedding):
    model = tiny(cell, layers=layers, embedding=embedding)
    panel.set_model_source(answers((model, VOCAB)))
    ids = VOCAB.encode(TEXT)
    for n in range(1, len(TEXT) + 1):
        assert panel.next_char()
        assert panel.position() == n
        expected = probe_ids(model, ids[:n])
        step = panel.current_step()
        for k in range(layers):
            np.testing.assert_allclose(step.layers[k].h, expected.layers[k].h[-1], atol=1e-5)
        np.testing.assert_allclose(step.probs, expected.probs[-1], atol=1e-5)
    assert panel.message() == ""
    shown = repr("d")
    assert panel.position_label.text() == f"reading {shown} ({len(TEXT)} of {len(TEXT)}), the end"
    assert not panel.next_char() and panel.position() == len(TEXT)
    assert not panel.next_button.isEnabled()
    panel.reset()
    assert panel.position() == 0 and panel.current_step() is None and panel.next_button.isEnabled()
    if layers == 2:
        panel.layer_combo.setCurrentIndex(1)
        panel.next_char()
        assert "layer 2" in _plain(panel.equation_label)


def test_position_readout(panel):
    panel.set_model_source(answers((tiny("rnn"), VOCAB)))
    panel.next_char()
    panel.next_char()
    assert panel.position_label.text() == "reading 'e' (2 of 11)"
    for _ in range(4):
        panel.next_char()
    assert panel.position_label.text() == "reading '␣' (6 of 11)"


def test_equations_differ_per_cell_and_name_the_gates(panel):
    texts = {}
    for cell in ("rnn", "lstm", "gru"):
        model = tiny(cell)
        panel.set_model_source(answers((model, VOCAB)))
        panel.reset()
        panel.next_char()
        texts[cell] = _plain(panel.equation_label)
    assert len(set(texts.values())) == 3
    assert "tanh(W" in texts["rnn"] and "softmax" in texts["rnn"]
    for gate in ("i = σ", "f = σ", "g = tanh", "o = σ", "c", "forget gate"):
        assert gate in texts["lstm"], gate
    for gate in ("r = σ", "z = σ", "n = tanh", "reset gate", "update gate"):
        assert gate in texts["gru"], gate
    assert "forget" not in texts["gru"] and "reset gate" not in texts["lstm"]


def test_unit_numbers_in_the_equation(panel):
    model = tiny("rnn")
    panel.set_model_source(answers((model, VOCAB)))
    panel.next_char()
    panel.unit_spin.setValue(3)
    h = float(panel.current_step().layers[0].h[3])
    text = _plain(panel.equation_label)
    assert "Unit 3" in text and f"{h:.2f}".replace("-", "−") in text
    assert panel.unit_spin.maximum() == 7


def test_large_model_is_refused(panel):
    panel.set_model_source(answers((tiny("lstm", hidden=32), VOCAB)))
    assert not panel.next_char()
    assert "16 units or fewer" in panel.message() and "32" in panel.message()
    assert not panel.message_label.isHidden()
    assert not panel.next_button.isEnabled()
    # the shape is fixed once a model exists: the way out starts with Reset, and nothing
    # beside the disabled button says to press it
    assert "Reset the model" in panel.message() and panel.position_label.text() == ""
    panel.set_model_source(answers((tiny("lstm", hidden=16), VOCAB)))  # the user picks a tiny model
    panel.reset_button.click()
    assert panel.next_button.isEnabled() and panel.message() == ""
    assert panel.next_char() and panel.position() == 1


def test_while_the_model_is_read_nothing_says_press_next(panel):
    later = []
    panel.set_model_source(lambda then, fail: later.append(then))  # a training model: copied later
    assert not panel.reset()
    assert not panel.next_button.isEnabled() and "press Next char" not in panel.position_label.text()
    later[0]((tiny("lstm"), VOCAB))
    assert panel.next_button.isEnabled() and panel.position_label.text().startswith("at the start")


def test_no_model_and_unknown_characters(panel):
    assert not panel.next_char()
    assert "Train or open a model first" in panel.message()
    panel.set_model_source(answers(None))
    assert not panel.reset()
    assert "Train or open a model first" in panel.message()
    panel.set_model_source(answers((tiny("gru"), VOCAB)))
    panel.text_edit.setText("hello, World!")
    assert not panel.next_char()
    message = panel.message()
    assert "','" in message and "'W'" in message and "'!'" in message and "'h'" not in message
    assert panel.position() == 0
    panel.text_edit.setText("")
    assert not panel.next_char() and "Type a text" in panel.message()
    panel.text_edit.setText("abc")
    assert panel.next_char() and panel.position() == 1 and panel.message() == ""


def test_changed_text_starts_again(panel):
    panel.set_model_source(answers((tiny("lstm"), VOCAB)))
    for _ in range(3):
        panel.next_char()
    panel.text_edit.setText("cab")
    assert panel.next_char() and panel.position() == 1
    assert panel.current_step().char_id == VOCAB.encode("c")[0]


def test_export_png(panel, tmp_path):
    panel.set_model_source(answers((tiny("lstm"), VOCAB)))
    panel.resize(500, 700)
    panel.show()
    panel.next_char()
    path = tmp_path / "step.png"
    assert panel.export_image(str(path))
    image = QtGui.QImage(str(path))
    assert not image.isNull() and image.width() == 1000
    assert not panel.export_image(str(tmp_path / "missing" / "x.png"))
    assert "Could not export" in panel.message()


def test_nice_level():
    assert nice_level(0.3) == 1.0 and nice_level(1.0) == 1.0
    assert nice_level(1.2) == 1.5 and nice_level(2.5) == 3.0 and nice_level(7) == 8.0
    assert nice_level(11) == 15.0 and nice_level(float("nan")) == 1.0
