"""HeatmapPanel on real probes of tiny LSTM / GRU models."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import probe
from rnnlab.gui.explain.heatmap_panel import MAX_CHARS, HeatmapPanel
from rnnlab.gui.plots.heatmap_view import nice_step
from rnnlab.gui.plots.plot_range import nice_ceil

TEXT = "hello world\nthe cat\tsat"


def _probe(cell: str, hidden: int = 6, layers: int = 2, text: str = TEXT, scale: float = 1.0):
    vocab = Vocabulary(sorted(set(TEXT)))
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(len(vocab), cell, hidden, layers))
    if scale != 1.0:
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(scale)
    return probe(model, vocab, text)


@pytest.fixture
def panel(qtbot):
    w = HeatmapPanel()
    qtbot.addWidget(w)
    w.resize(650, 300)
    w.show()
    return w


def _items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def _choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_image_is_units_by_time_on_screen(panel):
    result = _probe("lstm")
    panel.set_probe(result)
    item = panel.image_item
    assert panel.view_widget.objectName() == "hiddenHeatmap"
    assert item.width() == len(TEXT) and item.height() == 6  # x = time, y = unit
    np.testing.assert_array_equal(item.image, result.layers[0].h)
    # the pixel of (t, unit) covers image coordinates [t, t+1) x [unit, unit+1)
    rect = item.mapRectToParent(QtCore.QRectF(3, 2, 1, 1))
    assert (rect.x(), rect.y()) == (3, 2)


def test_lstm_quantities_and_switching(panel):
    result = _probe("lstm")
    panel.set_probe(result)
    assert _items(panel.quantity_combo) == ["hidden h", "cell c", "input gate i", "forget gate f",
                                           "candidate g", "output gate o"]
    assert _items(panel.layer_combo) == ["layer 1", "layer 2"]
    _choose(panel.quantity_combo, "forget gate f")
    np.testing.assert_array_equal(panel.image_item.image, result.layers[0].gates["f"])
    assert tuple(panel.image_item.getLevels()) == (0.0, 1.0)
    assert "Forget gate" in panel.explain_label.text()
    _choose(panel.layer_combo, "layer 2")
    np.testing.assert_array_equal(panel.image_item.image, result.layers[1].gates["f"])
    _choose(panel.quantity_combo, "candidate g")
    assert tuple(panel.image_item.getLevels()) == (-1.0, 1.0)
    assert tuple(panel.view.bar.levels()) == (-1.0, 1.0)


def test_gru_quantities(panel):
    panel.set_probe(_probe("gru"))
    assert _items(panel.quantity_combo) == ["hidden h", "reset gate r", "update gate z", "candidate n"]
    _choose(panel.quantity_combo, "update gate z")
    assert tuple(panel.view.bar.levels()) == (0.0, 1.0)


def test_hidden_levels_fixed_and_cell_levels_symmetric(panel):
    result = _probe("lstm", scale=4.0)  # big weights: |c| goes past 1
    panel.set_probe(result)
    assert tuple(panel.image_item.getLevels()) == (-1.0, 1.0)
    _choose(panel.quantity_combo, "cell c")
    peak = np.abs(result.layers[0].c).max()
    low, high = panel.image_item.getLevels()
    assert low == -high and high == nice_ceil(peak) and high >= peak > 1
    result.layers[0].c *= 0.9  # a little smaller: the scale stays put
    panel.set_probe(result)
    assert panel.image_item.getLevels()[1] == high
    assert tuple(panel.view.bar.levels()) == (low, high)


def test_nice_label_steps():
    assert [nice_step(v) for v in (0.3, 1, 1.5, 3, 7, 11, 30)] == [1, 1, 2, 5, 10, 20, 50]


def test_choice_kept_while_valid(panel):
    panel.set_probe(_probe("lstm"))
    _choose(panel.quantity_combo, "output gate o")
    _choose(panel.layer_combo, "layer 2")
    panel.set_probe(_probe("lstm", hidden=5))
    assert panel.quantity_combo.currentText() == "output gate o"
    assert panel.layer_combo.currentText() == "layer 2"
    panel.set_probe(_probe("gru", layers=1))
    assert panel.quantity_combo.currentText() == "hidden h"
    assert _items(panel.layer_combo) == ["layer 1"]


def test_describe_at_and_hover_label(panel):
    result = _probe("gru")
    panel.set_probe(result)
    value = result.layers[0].h[11, 4]
    assert panel.describe_at(11, 4) == f"unit 4 · t=11 '⏎' · {value:.2f}"
    assert "'␣'" in panel.describe_at(5, 0) and "'⇥'" in panel.describe_at(19, 0)
    assert panel.describe_at(len(TEXT), 0) == "" and panel.describe_at(0, 6) == ""
    panel._on_image_hovered((1, 2))
    assert panel.hover_label.text() == panel.describe_at(1, 2)
    assert "'e'" in panel.hover_label.text()


def test_time_axis_labels_show_visible_symbols(panel):
    panel.set_probe(_probe("gru"))
    ticks = panel.view.plot.getAxis("bottom")._tickLevels[0]
    labels = "".join(label for _, label in ticks)
    assert labels == "hello·world⏎the·cat⇥sat"  # 23 characters: room for every label
    assert ticks[0][0] == 0.5  # centred under the pixel


def test_long_probe_is_cut_to_the_window(panel):
    text = (TEXT + " ") * 8  # 192 characters
    panel.set_probe(_probe("rnn", text=text))
    assert panel.image_item.width() == MAX_CHARS
    panel.select_unit(0)
    assert panel.unit_html.count("background-color") == MAX_CHARS


def test_select_unit_colours_the_text_and_survives_probes(panel):
    panel.set_probe(_probe("lstm"))
    assert panel.selected_unit() is None
    panel.select_unit(3)
    assert panel.selected_unit() == 3
    assert panel.unit_html.count("background-color") == len(TEXT)
    assert panel.unit_html.count("<br>") == 1 and "&nbsp;" in panel.unit_html
    assert panel.caption_label.text() == "unit 3 of layer 1 (hidden h)"
    panel.set_probe(_probe("lstm", text="hello"))
    assert panel.selected_unit() == 3 and panel.unit_html.count("background-color") == 5
    panel.select_unit(99)  # no such unit: ignored
    assert panel.selected_unit() == 3
    panel.set_probe(_probe("lstm", hidden=2))  # fewer units: the selection goes
    assert panel.selected_unit() is None and panel.unit_html == ""


def test_html_escapes_text(panel):
    vocab = Vocabulary(sorted(set("<b>&x")))
    torch.manual_seed(0)
    panel.set_probe(probe(CharRNN(ModelConfig(len(vocab), "rnn", 4, 1)), vocab, "<b>&x"))
    panel.select_unit(0)
    assert all(f">{e}</span>" in panel.unit_html for e in ("&lt;", "b", "&gt;", "&amp;", "x"))
    assert "<b>" not in panel.unit_html


def _send_mouse(widget, kind, pos: QtCore.QPointF, button=QtCore.Qt.MouseButton.NoButton) -> None:
    # QTest.mouseMove moves the cursor, which the offscreen platform ignores: send events instead
    buttons = button if kind == QtCore.QEvent.Type.MouseButtonPress else QtCore.Qt.MouseButton.NoButton
    event = QtGui.QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons,
                              QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, event)


def test_click_and_hover_with_the_mouse(panel, qtbot):
    panel.set_probe(_probe("lstm"))
    qtbot.waitExposed(panel)
    # the view's transform is updated lazily, before the first paint
    qtbot.waitUntil(lambda: 200 < panel.image_item.sceneBoundingRect().width() < panel.view_widget.width())
    viewport = panel.view_widget.viewport()
    pos = QtCore.QPointF(panel.view_widget.mapFromScene(panel.image_item.mapToScene(QtCore.QPointF(7.5, 2.5))))
    _send_mouse(viewport, QtCore.QEvent.Type.MouseMove, pos)
    assert panel.hover_label.text() == panel.describe_at(7, 2)
    left = QtCore.Qt.MouseButton.LeftButton
    _send_mouse(viewport, QtCore.QEvent.Type.MouseButtonPress, pos, left)
    _send_mouse(viewport, QtCore.QEvent.Type.MouseButtonRelease, pos, left)
    assert panel.selected_unit() == 2


def test_probe_text_changed_when_typing(panel, qtbot):
    with qtbot.waitSignal(panel.probe_text_changed, timeout=1000) as blocker:
        panel.set_default_text("x" * 500)
    assert blocker.args == ["x" * MAX_CHARS] and panel.probe_text() == "x" * MAX_CHARS
    with qtbot.waitSignal(panel.probe_text_changed, timeout=2000) as blocker:
        qtbot.keyClicks(panel.text_edit, "the cat")
    assert blocker.args == ["the cat"]
    assert panel.source_combo.currentText() == "my text" and panel.probe_text() == "the cat"
    with qtbot.waitSignal(panel.probe_text_changed, timeout=1000) as blocker:
        panel.source_combo.setCurrentIndex(0)
    assert blocker.args == ["x" * MAX_CHARS]


def test_export_png(panel, tmp_path):
    panel.set_probe(_probe("lstm"))
    panel.export_image(str(tmp_path / "heat.png"))
    data = (tmp_path / "heat.png").read_bytes()
    assert data[:4] == b"\x89PNG" and len(data) > 1000
