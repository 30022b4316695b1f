"""NextCharPanel on a hand-made probe with known probabilities and on a tiny real model."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.core.data.vocab import Vocabulary, char_symbol
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import LayerTrace, ProbeResult, probe
from rnnlab.core.nn.surprisal import top_next
from rnnlab.gui.explain.next_char_panel import TOP_K, NextCharPanel
from rnnlab.gui.look.colors import MAX_BITS, surprise_colors

TEXT = "hello world\nthe cat sat"
VOCAB = Vocabulary(sorted(set(TEXT)))


def _result(text: str = TEXT, seed: int = 0) -> ProbeResult:
    """Random but known next-character distributions."""
    rng = np.random.default_rng(seed)
    T, V = len(text), len(VOCAB)
    logits = rng.normal(size=(T, V)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return ProbeResult(text=text, cell="rnn", layers=[LayerTrace(h=np.zeros((T, 4), np.float32))],
                       probs=probs.astype(np.float32), logits=logits.astype(np.float32),
                       ids=VOCAB.encode(text).astype(np.int64), final_hidden=None)


@pytest.fixture
def panel(qtbot):
    w = NextCharPanel()
    qtbot.addWidget(w)
    w.resize(320, 600)
    w.show()
    return w


def test_object_names_and_narrow_width(panel):
    assert panel.objectName() == "nextCharPanel"
    for name in ("surprisalTextView", "nextCharBars", "surprisalLegend", "nextCharExportButton",
                 "nextCharExplainLabel"):
        assert panel.findChild(QtCore.QObject, name) is not None, name
    assert panel.minimumSizeHint().width() <= 320
    assert "0 bits" in panel.legend_label.text() and "8+ bits" in panel.legend_label.text()
    assert panel.bars() == [] and panel.selected_position() is None


def test_surprisal_is_minus_log2_of_the_actual_next_char(panel):
    result = _result()
    panel.set_probe(result, VOCAB)
    s = panel.surprisal()
    assert s.shape == (len(TEXT),) and np.isnan(s[0])
    ids = result.ids
    expected = -np.log2(result.probs[np.arange(len(TEXT) - 1), ids[1:]].astype(np.float64))
    np.testing.assert_allclose(s[1:], expected, rtol=1e-6)


def test_bars_are_top_next_of_the_selected_row(panel):
    result = _result()
    panel.set_probe(result, VOCAB)
    last = len(TEXT) - 1
    assert panel.selected_position() == last  # the default: the last character
    expected = [(VOCAB.chars[i], p) for i, p in top_next(result.probs[last], TOP_K)]
    assert [c for c, _ in panel.bars()] == [c for c, _ in expected]
    np.testing.assert_allclose([p for _, p in panel.bars()], [p for _, p in expected], rtol=1e-6)
    opts = panel.bar_item.opts
    np.testing.assert_allclose(opts["height"], [p for _, p in expected], rtol=1e-6)
    np.testing.assert_array_equal(opts["x"], np.arange(TOP_K))
    assert "last character" in panel.bar_caption.text()

    panel.select_position(4)  # after 'o' of hello: ' ' came next
    expected = [(VOCAB.chars[i], p) for i, p in top_next(result.probs[4], TOP_K)]
    assert [c for c, _ in panel.bars()] == [c for c, _ in expected]
    np.testing.assert_allclose(panel.bar_item.opts["height"], [p for _, p in expected], rtol=1e-6)
    ticks = panel.bar_plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    labels = [label for _, label in ticks]
    assert labels == [{" ": "␣", "\n": "⏎"}.get(c, c) for c, _ in expected]
    # the character that came next is drawn in the other colour when it is in the top k
    brushes = panel.bar_item.opts["brushes"]
    colours = {b.color().name() for b in brushes}
    actual = next((k for k, (c, _) in enumerate(expected) if c == " "), None)
    if actual is not None:
        assert brushes[actual].color().name() == "#ff7f0e" and len(colours) == 2
    assert "'␣' came next" in panel.bar_caption.text()


def test_highlight_with_a_known_distribution(panel):
    result = _result()
    result.probs[2] = 0.0
    result.probs[2, VOCAB.chars.index("l")] = 0.7  # "he|l": the next char is 'l'
    result.probs[2, VOCAB.chars.index("x" if "x" in VOCAB else "z" if "z" in VOCAB else "w")] = 0.3
    panel.set_probe(result, VOCAB)
    panel.select_position(2)
    assert panel.bars()[0] == ("l", pytest.approx(0.7))
    assert panel.bar_item.opts["brushes"][0].color().name() == "#ff7f0e"
    assert panel.bar_item.opts["brushes"][1].color().name() == "#1f77b4"
    assert panel.surprisal()[3] == pytest.approx(-np.log2(0.7), rel=1e-5)


def test_selection_kept_across_probes_and_out_of_range_ignored(panel):
    panel.set_probe(_result(), VOCAB)
    panel.select_position(3)
    panel.select_position(999)
    panel.select_position(-1)
    assert panel.selected_position() == 3
    panel.set_probe(_result(seed=1), VOCAB)
    assert panel.selected_position() == 3
    panel.set_probe(_result(text="he", seed=1), VOCAB)  # shorter: back to following the last char
    assert panel.selected_position() == 1
    panel.set_probe(_result(seed=2), VOCAB)
    assert panel.selected_position() == len(TEXT) - 1


def test_text_view_coloured_by_surprise(panel):
    panel.set_probe(_result(), VOCAB)
    html = panel.text_view.toHtml()
    assert "background-color:" in html
    assert panel.text_view.toPlainText().replace("\n", "") == TEXT.replace("\n", "⏎")
    assert surprise_colors(np.array([0.0, MAX_BITS, 20.0])) == ["#ffffff", "#67000d", "#67000d"]
    # the first character has no prediction: no background of its own
    doc = panel.text_view.document()
    cursor = QtGui.QTextCursor(doc)
    cursor.setPosition(1)
    assert not cursor.charFormat().hasProperty(QtGui.QTextFormat.Property.BackgroundBrush)
    cursor.setPosition(2)
    assert cursor.charFormat().hasProperty(QtGui.QTextFormat.Property.BackgroundBrush)


def test_click_on_a_character_selects_it(panel, qtbot):
    panel.set_probe(_result(), VOCAB)
    qtbot.waitExposed(panel)
    t = TEXT.index("t")  # on the second line, after the ⏎
    view = panel.text_view
    cursor = QtGui.QTextCursor(view.document())
    cursor.setPosition(int(panel._t_to_doc[t]))
    left = view.cursorRect(cursor)
    cursor.setPosition(int(panel._t_to_doc[t]) + 1)
    right = view.cursorRect(cursor)
    point = QtCore.QPoint((left.x() + right.x()) // 2, left.center().y())
    assert panel.position_at(point) == t
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
    assert panel.selected_position() == t
    assert panel.describe(t).startswith("'t' (position 12)")
    marks = view.extraSelections()
    assert len(marks) == 1 and marks[0].cursor.selectedText() == "t"
    # pointing at a character (mouse tracking) describes it below the text
    move = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(point),
                             view.viewport().mapToGlobal(QtCore.QPointF(point)), QtCore.Qt.MouseButton.NoButton,
                             QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(view.viewport(), move)
    assert panel.hover_label.text() == panel.describe(t) and "bits of surprise" in panel.hover_label.text()


def test_real_model(panel):
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(len(VOCAB), "lstm", 8, 1))
    result = probe(model, VOCAB, TEXT)
    panel.set_probe(result, VOCAB)
    assert panel.probe() == (result, VOCAB)
    np.testing.assert_allclose(panel.surprisal()[1:], -np.log2(result.probs[np.arange(len(TEXT) - 1),
                                                                             result.ids[1:]]), rtol=1e-5)
    assert len(panel.bars()) == TOP_K
    assert sum(p for _, p in panel.bars()) <= 1.0 + 1e-6


def test_bad_input_is_shown_not_raised(panel):
    panel.set_probe(_result(), VOCAB)
    panel.set_probe(_result(), Vocabulary(list("ab")))  # wrong vocabulary
    assert "vocabulary" in panel.error_text() and panel.error_label.isVisible()
    assert panel.probe()[1] is VOCAB  # the last good probe is still shown
    panel.set_probe(_result(), VOCAB)
    assert not panel.error_label.isVisible()
    panel.clear()
    assert panel.bars() == [] and panel.surprisal().size == 0 and panel.text_view.toPlainText() == ""


def test_export_png(panel, tmp_path):
    panel.set_probe(_result(), VOCAB)
    assert panel.export_image(str(tmp_path / "next.png"))
    image = QtGui.QImage(str(tmp_path / "next.png"))
    assert not image.isNull() and image.width() >= 2 * 300
    assert not panel.export_image(str(tmp_path / "no" / "such" / "next.png"))
    assert "Could not export" in panel.error_text()


def test_the_line_the_bars_and_the_caption_speak_of_one_character(panel):
    result = _result()
    panel.set_probe(result, VOCAB)
    panel.select_position(4)
    panel._show_hover(1)  # the pointer over another character
    top = top_next(result.probs[1], TOP_K)
    assert [c for c, _ in panel.bars()] == [VOCAB.chars[i] for i, _ in top]
    assert "(position 1)" in panel.bar_caption.text() and "(position 1)" in panel.hover_label.text()
    best, p = panel.bars()[0]
    assert f"'{char_symbol(best)}' {p:.0%}" in panel.hover_label.text()  # the same number, the same way
    came = VOCAB.chars[int(result.ids[2])]
    assert f"'{char_symbol(came)}' came next ({float(result.probs[1][int(result.ids[2])]):.0%}," \
        in panel.bar_caption.text()
    panel._show_hover(None)  # the pointer leaves: the chosen character again
    assert "(position 4)" in panel.bar_caption.text()
