"""A model too large for memory is refused before anything is allocated, with the sizes."""

import subprocess
import sys
from types import SimpleNamespace

import psutil
import pytest

from rnnlab.core.nn.model import CharRNN, ModelConfig, count_parameters
from rnnlab.core.train import memory
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.memory import ModelTooLargeError, available_bytes, check_fits, training_bytes
from rnnlab.core.train.trainer import Trainer

HUGE = ModelConfig(vocab_size=65, cell="lstm", hidden=8192, layers=20)


def _peak_rss_kb() -> float:
    """This process's peak resident memory in KB, on any platform."""
    if sys.platform == "win32":
        return psutil.Process().memory_info().peak_wset / 1024
    import resource  # POSIX only
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KB on Linux


def test_the_estimate_covers_weights_gradients_and_adam():
    small = ModelConfig(65, "lstm", 128, 2)
    assert training_bytes(small, TrainConfig()) >= 4 * 4 * count_parameters(small)
    assert training_bytes(HUGE, TrainConfig()) > 150 * 2**30  # 10.7e9 parameters x 16 bytes


def test_a_20x8192_lstm_is_refused_with_both_sizes(small_corpus):
    model = ModelConfig(len(small_corpus.vocab), "lstm", 8192, 20)
    before = _peak_rss_kb()
    with pytest.raises(ModelTooLargeError, match=r"would need about [\d,.]+ GB .* and [\d,.]+ (GB|MB) is free"):
        Trainer(small_corpus, model, TrainConfig(batch=4, seq=16))
    assert _peak_rss_kb() - before < 200_000  # KB: nothing big was made


def test_what_fits_is_allowed_and_the_limit_follows_the_memory():
    model = ModelConfig(65, "lstm", 128, 2)
    need = training_bytes(model, TrainConfig())
    check_fits(model, TrainConfig(), available=need * 2)
    with pytest.raises(ModelTooLargeError):
        check_fits(model, TrainConfig(), available=need)
    assert available_bytes() is None or available_bytes() > 0
    CharRNN(model)  # and the small model builds


def test_the_available_memory_comes_from_psutil_on_every_platform(monkeypatch):
    monkeypatch.setattr(memory.psutil, "virtual_memory", lambda: SimpleNamespace(available=3 * 2**30))
    assert available_bytes() == 3 * 2**30
    with pytest.raises(ModelTooLargeError, match="and 3.0 GB is free"):
        check_fits(HUGE, TrainConfig())

    def unknown():
        raise OSError("no memory figures here")
    monkeypatch.setattr(memory.psutil, "virtual_memory", unknown)
    assert available_bytes() is None
    check_fits(HUGE, TrainConfig())  # unknown: not refused on a guess


def test_the_cli_says_so_in_one_line():
    out = subprocess.run([sys.executable, "-m", "rnnlab.cli.main", "train", "builtin:hello", "--hidden", "8192",
                          "--layers", "20", "--steps", "1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.startswith("error: this model would need about")
    assert out.stderr.count("\n") == 1
