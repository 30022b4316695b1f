"""NeuronHuntPanel: hand-made probes with a unit that follows a pattern, and a real LSTM."""

import time

import numpy as np
import pytest
import torch
from PySide6 import QtCore, QtGui

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.neuron_patterns import pattern_mask, rank_units
from rnnlab.core.nn.probe import LayerTrace, ProbeResult, probe
from rnnlab.gui.explain import neuron_hunt_panel
from rnnlab.gui.explain.neuron_hunt_panel import NeuronHuntPanel

TEXT = "a(b(c)d)e\n" * 6
HIDDEN = 12


def _result(text: str = TEXT, unit: int = 3, seed: int = 0, layers: int = 1) -> ProbeResult:
    """A probe whose layer-0 unit `unit` equals the bracket mask; every other value random."""
    rng = np.random.default_rng(seed)
    T = len(text)
    traces = []
    for k in range(layers):
        h = rng.uniform(-1, 1, size=(T, HIDDEN)).astype(np.float32)
        if k == 0 and unit is not None:
            h[:, unit] = pattern_mask(text, "inside brackets")
        traces.append(LayerTrace(h=h))
    V = 8
    probs = np.full((T, V), 1.0 / V, dtype=np.float32)
    return ProbeResult(text=text, cell="rnn", layers=traces, probs=probs, logits=np.log(probs),
                       ids=np.zeros(T, dtype=np.int64), final_hidden=None)


@pytest.fixture
def panel(qtbot):
    w = NeuronHuntPanel()
    qtbot.addWidget(w)
    w.resize(320, 600)
    w.show()
    return w


@pytest.fixture
def calls(monkeypatch):
    """Counts the masks the panel computes (the module attribute its worker calls)."""
    seen = []
    real = neuron_hunt_panel.pattern_signal

    def counting(text, pattern, *args, **kwargs):
        seen.append(pattern)
        return real(text, pattern, *args, **kwargs)

    monkeypatch.setattr(neuron_hunt_panel, "pattern_signal", counting)
    return seen


def _wait_ranked(panel, qtbot, unit=None):
    qtbot.waitUntil(lambda: not panel.matching() and panel.ranking()
                    and (unit is None or panel.ranking()[0][0] == unit), timeout=5000)


def test_object_names_and_narrow_width(panel):
    assert panel.objectName() == "neuronHuntPanel"
    for name in ("patternCombo", "patternErrorLabel", "patternTextView", "unitRankList", "huntUnitTextView",
                 "neuronHuntExportButton", "neuronHuntExplainLabel"):
        assert panel.findChild(QtCore.QObject, name) is not None, name
    assert panel.minimumSizeHint().width() <= 320
    combo = panel.pattern_combo
    assert combo.isEditable()
    assert [combo.itemText(i) for i in range(combo.count())][:2] == ["inside quotes", "inside brackets"]
    assert "open (, [ or {" in combo.itemData(1, QtCore.Qt.ItemDataRole.ToolTipRole)


def test_unit_following_brackets_ranks_first(panel, qtbot):
    panel.set_probe(_result())
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 3)
    unit, r = panel.ranking()[0]
    assert unit == 3 and r == pytest.approx(1.0, abs=1e-6)
    assert len(panel.ranking()) == 10
    assert abs(panel.ranking()[1][1]) < 0.9
    assert panel.rank_list.count() == 10
    first = panel.rank_list.item(0).text()
    assert first.startswith("unit 3") and "r = +1.00" in first
    assert not panel.error_label.isVisible()
    # the pattern view marks what the pattern selects
    mask = pattern_mask(TEXT, "inside brackets")
    assert panel.pattern_html.count("background-color") == 6  # one run per line: "b(c)d"
    assert int(mask.sum()) == 30
    assert "30 of 60" in panel.status_label.text()


def test_negative_correlation_counts(panel, qtbot):
    result = _result(unit=None)
    result.layers[0].h[:, 7] = -pattern_mask(TEXT, "inside brackets").astype(np.float32)
    panel.set_probe(result)
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 7)
    assert panel.ranking()[0][1] == pytest.approx(-1.0, abs=1e-6)


def test_new_probe_reranks_without_recomputing_the_mask(panel, qtbot, calls):
    panel.set_probe(_result())
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 3)
    n = len(calls)
    assert calls[-1] == "inside brackets"
    for seed in range(1, 5):
        panel.set_probe(_result(unit=5, seed=seed))
        assert panel.ranking()[0][0] == 5  # at once: no waiting for a worker
    qtbot.wait(50)
    assert len(calls) == n


def test_typed_regex_and_debounce(panel, qtbot, calls):
    panel.set_probe(_result())
    _wait_ranked(panel, qtbot)
    n = len(calls)
    panel.pattern_combo.setFocus()
    panel.pattern_combo.lineEdit().selectAll()
    qtbot.keyClicks(panel.pattern_combo.lineEdit(), "[bcd]")
    assert panel.pattern_combo.currentText() == "[bcd]"  # no inline completion
    assert len(calls) == n  # nothing matched while typing
    qtbot.waitUntil(lambda: panel.pattern() == "[bcd]" and "matching" not in panel.status_label.text(),
                    timeout=5000)
    assert calls[n:] == ["[bcd]"]  # one mask for the whole typed pattern
    assert not panel.error_text()
    assert panel.pattern_html.count("background-color") == 6 * 3  # b, c, d on each line


def test_bad_regex_shows_error_and_empties_the_list(panel, qtbot):
    panel.set_probe(_result())
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 3)
    panel.set_pattern("(")
    qtbot.waitUntil(lambda: panel.error_label.isVisible(), timeout=5000)
    assert panel.error_label.text().startswith("bad pattern")
    assert panel.ranking() == [] and panel.rank_list.count() == 0
    panel.set_probe(_result(seed=2))  # training goes on: the panel keeps working
    assert panel.error_label.isVisible() and panel.ranking() == []
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 3)
    assert not panel.error_label.isVisible()


def test_catastrophic_regex_does_not_block(panel, qtbot):
    text = "a" * 40
    panel.set_probe(_result(text=text, unit=None))
    start = time.perf_counter()
    panel.set_pattern("(a+)+b")
    assert time.perf_counter() - start < 0.3
    assert panel.status_label.text() == "matching…"
    qtbot.waitUntil(lambda: "longer than" in panel.error_text(), timeout=10000)
    assert panel.error_label.isVisible() and panel.ranking() == []


def test_outdated_mask_is_dropped(panel, qtbot):
    panel.set_probe(_result(text="a" * 40 + "(b)", unit=None))
    panel.set_pattern("(a+)+b")  # slow: the worker is busy for a second, then fails
    panel.set_pattern("x")  # replaced while waiting
    panel.set_pattern("inside brackets")
    qtbot.waitUntil(lambda: not panel.matching(), timeout=10000)
    qtbot.wait(1500)  # anything still on its way has arrived by now
    assert panel.error_text() == "" and panel.pattern() == "inside brackets"
    assert "1 of 43" in panel.status_label.text()
    # a late answer for an old pattern changes nothing
    before = panel.ranking()
    panel._worker.done.emit(("a" * 40 + "(b)", "("), None, "bad pattern: late")
    qtbot.wait(50)
    assert panel.error_text() == "" and panel.ranking() == before


def test_click_unit_colours_text(panel, qtbot):
    panel.set_probe(_result())
    panel.set_pattern("inside brackets")
    _wait_ranked(panel, qtbot, 3)
    lst = panel.rank_list
    rect = lst.visualItemRect(lst.item(0))
    qtbot.mouseClick(lst.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_unit() == 3
    assert "#b2182b" in panel.unit_html  # activation 1: the darkest red
    assert "background-color" in panel.unit_view.toHtml()
    assert panel.unit_html.count("background-color") == len(TEXT)
    assert "unit 3" in panel.caption_label.text()
    # the chosen unit stays chosen (and its row current) across probes
    panel.set_probe(_result(seed=3))
    assert panel.selected_unit() == 3 and lst.currentRow() == 0


def test_lstm_layers_and_cell_state(panel, qtbot):
    vocab = Vocabulary(sorted(set(TEXT)))
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(len(vocab), "lstm", 6, 2))
    result = probe(model, vocab, TEXT)
    panel.set_probe(result)
    assert [panel.quantity_combo.itemText(i) for i in range(panel.quantity_combo.count())] == ["hidden h", "cell c"]
    assert [panel.layer_combo.itemText(i) for i in range(panel.layer_combo.count())] == ["layer 1", "layer 2"]
    panel.set_pattern("start of line")
    _wait_ranked(panel, qtbot)
    assert len(panel.ranking()) == 6  # every unit of a 6-unit layer
    panel.layer_combo.setCurrentIndex(1)
    panel.quantity_combo.setCurrentIndex(1)
    expected = rank_units(result.layers[1].c, pattern_mask(TEXT, "start of line"), 10)
    assert panel.ranking() == expected


def test_probe_without_text_and_clear(panel, qtbot):
    result = _result()
    result.text = None
    panel.set_probe(result)  # no exception: a message
    assert "no text" in panel.error_text()
    panel.set_probe(_result())
    _wait_ranked(panel, qtbot)
    panel.clear()
    assert panel.ranking() == [] and panel.rank_list.count() == 0 and panel.unit_html == ""


def test_export_png(panel, qtbot, tmp_path):
    panel.set_probe(_result())
    _wait_ranked(panel, qtbot)
    assert panel.export_image(str(tmp_path / "hunt.png"))
    assert not QtGui.QImage(str(tmp_path / "hunt.png")).isNull()
    assert not panel.export_image(str(tmp_path / "missing" / "dir" / "hunt.png"))
    assert "Could not export" in panel.error_text()
