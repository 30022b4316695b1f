"""TrainingPanel: what it trains is what the preset or the run says, fields or not."""

from dataclasses import replace

import pytest

from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.presets import DEFAULT_PRESET, PRESETS, Preset
from rnnlab.gui.panels.training_panel import TrainingPanel


@pytest.fixture
def panel(qtbot):
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    return widget


def test_a_presets_schedule_trains_though_it_has_no_field(panel):
    preset = Preset("short", "a short warm-up", {"cell": "gru", "hidden": 64, "layers": 1},
                    {"batch": 16, "seq": 32, "lr": 5e-3, "warmup_steps": 37, "final_lr": 0.2})
    panel.apply_preset(preset)
    config = panel.train_config("cpu")
    assert (config.batch, config.seq, config.lr) == (16, 32, pytest.approx(5e-3))
    assert (config.warmup_steps, config.final_lr) == (37, 0.2)


def test_a_resumed_runs_schedule_is_kept_and_the_next_preset_replaces_it(panel):
    run = replace(TrainConfig(), schedule="cosine", schedule_steps=4321, weight_decay=0.01)
    panel.set_config(run)
    config = panel.train_config("cpu")
    assert (config.schedule, config.schedule_steps, config.weight_decay) == ("cosine", 4321, 0.01)
    panel.apply_preset(Preset("plain", "defaults", {"cell": "rnn"}))
    assert panel.train_config("cpu").schedule == TrainConfig().schedule
    assert panel.train_config("cpu").schedule_steps == TrainConfig().schedule_steps


def test_a_new_panel_trains_the_default_presets_settings(panel):
    config, preset = panel.train_config("cpu"), PRESETS[DEFAULT_PRESET].train_config()
    assert (config.batch, config.seq, config.lr, config.warmup_steps) == (
        preset.batch, preset.seq, pytest.approx(preset.lr), preset.warmup_steps)


def test_the_window_validates_every_few_hundred_thousand_characters(panel):
    # The default preset's steps are 4,096 characters: 200 steps between passes were ~37 s.
    config = panel.train_config("cpu")
    assert 20 <= config.eval_every and config.eval_every * config.batch * config.seq <= 200_000
    panel.apply_preset(Preset("quick steps", "tiny batches", {}, {"batch": 4, "seq": 8}))
    assert panel.train_config("cpu").eval_every == 200  # never rarer than 200 steps
