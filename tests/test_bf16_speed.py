"""bf16 is timed once per machine and kept; `auto` follows the timing (the classroom preset's
choice: tests/test_presets.py)."""

import json
import sys

import pytest

from rnnlab.core import paths
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train import bf16_speed, precision
from rnnlab.core.train.bf16_speed import SPEEDUP_NEEDED, bf16_speedup, machine_key, time_speedup


class CountingTimer:
    def __init__(self, speedup):
        self.speedup, self.calls = speedup, 0

    def __call__(self):
        self.calls += 1
        return self.speedup


def test_the_speedup_is_timed_once_then_read_back(tmp_path):
    path = tmp_path / "cache" / "bf16_speed.json"
    timer = CountingTimer(0.62)
    assert bf16_speedup(path, timer) == 0.62 and timer.calls == 1
    assert bf16_speedup(path, timer) == 0.62 and timer.calls == 1  # kept on disk
    assert json.loads(path.read_text(encoding="utf-8")) == {machine_key(): 0.62}


def test_another_machines_or_a_broken_cache_is_timed_again(tmp_path):
    path = tmp_path / "bf16_speed.json"
    path.write_text(json.dumps({"some other CPU | AVX2 | torch 2.0": 2.0}), encoding="utf-8")
    timer = CountingTimer(1.9)
    assert bf16_speedup(path, timer) == 1.9 and timer.calls == 1
    kept = json.loads(path.read_text(encoding="utf-8"))
    assert kept == {"some other CPU | AVX2 | torch 2.0": 2.0, machine_key(): 1.9}  # both kept
    for broken in ("{not json", json.dumps([1, 2]), json.dumps({machine_key(): "fast"}),
                   json.dumps({machine_key(): -1})):
        path.write_text(broken, encoding="utf-8")
        assert bf16_speedup(path, CountingTimer(1.5)) == 1.5


def test_a_timing_that_fails_means_fp32_and_is_not_tried_again(tmp_path):
    path = tmp_path / "bf16_speed.json"
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("no bf16 kernel for this op")
    assert bf16_speedup(path, failing) == 0.0 < SPEEDUP_NEEDED
    assert bf16_speedup(path, failing) == 0.0 and len(calls) == 1


def test_a_cache_that_cannot_be_written_still_answers(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    timer = CountingTimer(1.4)
    assert bf16_speedup(blocker / "bf16_speed.json", timer) == 1.4  # its folder is a file


def test_the_timing_is_a_real_ratio_of_step_times_and_leaves_the_random_state():
    import torch
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    speedup = time_speedup(reps=1)
    assert 0.05 < speedup < 20  # both precisions ran a step: a finite, positive ratio
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("speedup, expect", [(0.62, "fp32"), (SPEEDUP_NEEDED + 0.5, "bf16")])
def test_auto_takes_bf16_only_where_it_was_timed_faster(monkeypatch, speedup, expect):
    import torch
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: True)
    monkeypatch.setattr(precision, "bf16_pays_here", lambda: speedup >= SPEEDUP_NEEDED)
    big = ModelConfig(vocab_size=65, cell="gru", hidden=512, layers=1)
    assert precision.resolve_precision("auto", torch.device("cpu"), big) == expect
    assert precision.resolve_precision("fp32", torch.device("cpu"), big) == "fp32"


def test_without_native_bf16_nothing_is_timed(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: False)
    monkeypatch.setattr(precision, "bf16_pays_here", lambda: pytest.fail("timed without native bf16"))
    assert precision.bf16_pays_on_cpu() is False


def test_the_cache_folder_env_and_platform_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert bf16_speed.cache_path() == tmp_path / "mine" / "bf16_speed.json"
    monkeypatch.delenv(paths.CACHE_DIR_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert paths.machine_cache_dir() == tmp_path / "xdg" / "rnnlab"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert paths.machine_cache_dir() == tmp_path / ".cache" / "rnnlab"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert paths.machine_cache_dir() == tmp_path / "Library" / "Caches" / "rnnlab"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert paths.machine_cache_dir() == tmp_path / "Local" / "rnnlab" / "Cache"
