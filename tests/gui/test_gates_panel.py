"""GatesPanel: per-unit saturation of each sigmoid gate, drawn as one scatter per gate."""

import numpy as np
import pytest
from PySide6 import QtGui

from rnnlab.core.nn.probe import LayerTrace, ProbeResult
from rnnlab.gui.explain.gates_panel import GatesPanel


@pytest.fixture
def panel(qtbot):
    p = GatesPanel()
    qtbot.addWidget(p)
    p.resize(700, 320)
    p.show()
    return p


def _result(cell: str, gates: dict[str, np.ndarray], layers: int = 1) -> ProbeResult:
    T, H = next(iter(gates.values())).shape if gates else (4, 2)
    trace = LayerTrace(h=np.zeros((T, H), np.float32), gates=gates)
    return ProbeResult(text="x" * T, cell=cell, layers=[trace] * layers, probs=np.zeros((T, 3)),
                       logits=np.zeros((T, 3)), ids=np.zeros(T, np.int64), final_hidden=None)


def test_each_unit_is_placed_by_how_often_its_gate_is_shut_or_open(panel):
    f = np.array([[0.95, 0.05, 0.5], [0.95, 0.95, 0.5], [0.95, 0.05, 0.5], [0.95, 0.95, 0.02]])
    gates = {"i": np.full((4, 3), 0.5), "f": f, "g": np.zeros((4, 3)), "o": np.full((4, 3), 0.99)}
    panel.set_probe(_result("lstm", gates, layers=2))
    assert panel.layer_combo.count() == 2 and not panel.message.isVisible()
    assert sorted(panel._scatters) == ["f", "i", "o"]  # g is a tanh candidate, not a gate
    x, y = panel._scatters["f"].getData()
    np.testing.assert_allclose(x, [0.0, 0.5, 0.25])  # shut < 0.1
    np.testing.assert_allclose(y, [1.0, 0.5, 0.0])  # open > 0.9
    x, y = panel._scatters["o"].getData()
    np.testing.assert_allclose(y, [1, 1, 1])


def test_gru_shows_reset_and_update_gates_and_rnn_says_it_has_none(panel):
    gates = {"r": np.full((5, 2), 0.01), "z": np.full((5, 2), 0.99), "n": np.zeros((5, 2))}
    panel.set_probe(_result("gru", gates))
    assert sorted(panel._scatters) == ["r", "z"]
    assert list(panel._scatters["r"].getData()[0]) == [1.0, 1.0]
    panel.set_probe(_result("rnn", {}))
    assert panel._scatters == {} and panel.message.isVisible() and "no gates" in panel.message.text()


def test_export_and_explanation(panel, tmp_path):
    panel.set_probe(_result("gru", {"r": np.full((3, 2), 0.5), "z": np.full((3, 2), 0.5), "n": np.zeros((3, 2))}))
    assert "shut" in panel.findChild(type(panel.message), "gatesExplainLabel").text()
    panel.export_image(str(tmp_path / "gates.png"))
    image = QtGui.QImage(str(tmp_path / "gates.png"))
    assert image.width() == 2 * panel.width() and image.height() == 2 * panel.height()
