"""ModelPanel: fields, presets, parameter count, set_config and locking."""

import pytest

from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.train.presets import PRESETS
from rnnlab.gui.panels.model_panel import LOCK_REASON, ModelPanel


@pytest.fixture
def panel(qtbot):
    widget = ModelPanel()
    qtbot.addWidget(widget)
    return widget


def _count_text(n: int) -> str:
    return f"{n:,} parameters"


def test_defaults_are_the_classroom_preset(panel):
    assert panel.presetCombo.currentText() == "classroom"
    assert panel.model_config(65) == PRESETS["classroom"].model_config(65)
    assert [panel.cellCombo.itemData(i) for i in range(3)] == ["rnn", "lstm", "gru"]
    assert panel.embeddingSpin.value() == PRESETS["classroom"].model.get("embedding", 0)
    assert panel.device() == "cpu"


def test_param_count_follows_the_fields(panel, qtbot):
    assert panel.paramCountLabel.text() == "≈ " + _count_text(count_parameters(panel.model_config(100)))
    panel.set_vocab_size(65)
    assert panel.paramCountLabel.text() == _count_text(count_parameters(panel.model_config(65)))
    before = panel.paramCountLabel.text()
    with qtbot.waitSignal(panel.changed):
        panel.hiddenSpin.setValue(200)
    assert panel.paramCountLabel.text() != before
    assert panel.paramCountLabel.text() == _count_text(count_parameters(panel.model_config(65)))
    assert panel.presetNoteLabel.text() == "(modified)"
    with qtbot.waitSignal(panel.preset_applied):  # choosing the same preset again restores it
        panel.presetCombo.activated.emit(panel.presetCombo.currentIndex())
    assert panel.hiddenSpin.value() == PRESETS["classroom"].model["hidden"]
    assert panel.presetNoteLabel.text() == ""


def test_apply_preset_sets_fields_and_emits(panel, qtbot):
    with qtbot.waitSignal(panel.preset_applied) as blocker:
        panel.apply_preset("big")
    assert blocker.args[0] is PRESETS["big"]
    assert panel.presetCombo.currentText() == "big"
    assert panel.model_config(50) == PRESETS["big"].model_config(50)
    assert panel.embeddingSpin.value() == 64 and panel.hiddenSpin.value() == 512
    with qtbot.waitSignal(panel.preset_applied) as blocker:  # the combo applies too
        panel.presetCombo.setCurrentIndex(panel.presetCombo.findData("tiny"))
    assert blocker.args[0].name == "tiny" and panel.hiddenSpin.value() == 32
    assert panel.dropoutSpin.value() == 0.0  # fields a preset leaves out go back to defaults
    assert panel.presetNoteLabel.text() == ""


def test_set_config_sets_fields_without_signals(panel, qtbot):
    config = ModelConfig(vocab_size=77, cell="gru", hidden=48, layers=3, embedding=16, dropout=0.2)
    with qtbot.assertNotEmitted(panel.changed), qtbot.assertNotEmitted(panel.preset_applied):
        panel.set_config(config)
    assert panel.model_config(77) == config
    assert panel.cellCombo.currentText() == "GRU"
    assert panel.paramCountLabel.text() == _count_text(count_parameters(config))
    panel.set_config(PRESETS["big"].model_config(77))
    assert panel.presetCombo.currentText() == "big" and panel.presetNoteLabel.text() == ""


def test_lock_disables_shape_fields(panel):
    fields = [panel.presetCombo, panel.cellCombo, panel.hiddenSpin, panel.layersSpin,
              panel.embeddingSpin, panel.dropoutSpin]
    panel.set_locked(True)
    assert all(not w.isEnabled() for w in fields)
    assert all(w.toolTip() == LOCK_REASON for w in fields)
    assert panel.deviceCombo.isEnabled()
    panel.set_locked(False)
    assert all(w.isEnabled() for w in fields)
    assert "memory" in panel.hiddenSpin.toolTip()
