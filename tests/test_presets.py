"""Presets: the default follows what this CPU does fast, and every preset builds."""

import pytest
import torch

from rnnlab.core.train.precision import bf16_pays_on_cpu, resolve_precision
from rnnlab.core.train.presets import DEFAULT_PRESET, PRESETS, RACE_PRESET, classroom_preset, get_preset


def test_the_classroom_model_is_the_one_this_cpu_trains_fast():
    with_bf16, without = classroom_preset(True), classroom_preset(False)
    assert with_bf16.model != without.model
    # the bigger model is only offered where auto precision runs it in bf16...
    big = with_bf16.model_config(65)
    assert big.hidden > without.model_config(65).hidden
    cpu = torch.device("cpu")
    assert resolve_precision("auto", cpu, without.model_config(65)) == "fp32"
    # ...and the preset in use is the one for this machine
    assert PRESETS["classroom"] == classroom_preset(bf16_pays_on_cpu())


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_makes_valid_configs(name):
    preset = get_preset(name)
    assert preset.model_config(50).vocab_size == 50
    assert preset.train_config().batch >= 1


def test_the_defaults_name_presets():
    assert DEFAULT_PRESET in PRESETS and RACE_PRESET in PRESETS
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        get_preset("huge")
