"""A model too large for memory is refused before anything is allocated, with the sizes."""

import resource
import subprocess
import sys

import pytest

from rnnlab.core.nn.model import CharRNN, ModelConfig, count_parameters
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.memory import ModelTooLargeError, available_bytes, check_fits, training_bytes
from rnnlab.core.train.trainer import Trainer

HUGE = ModelConfig(vocab_size=65, cell="lstm", hidden=8192, layers=20)


def test_the_estimate_covers_weights_gradients_and_adam():
    small = ModelConfig(65, "lstm", 128, 2)
    assert training_bytes(small, TrainConfig()) >= 4 * 4 * count_parameters(small)
    assert training_bytes(HUGE, TrainConfig()) > 150 * 2**30  # 10.7e9 parameters x 16 bytes


def test_a_20x8192_lstm_is_refused_with_both_sizes(small_corpus):
    model = ModelConfig(len(small_corpus.vocab), "lstm", 8192, 20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ModelTooLargeError, match=r"would need about [\d,.]+ GB .* and [\d,.]+ (GB|MB) is free"):
        Trainer(small_corpus, model, TrainConfig(batch=4, seq=16))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: nothing big was made


def test_what_fits_is_allowed_and_the_limit_follows_the_memory():
    model = ModelConfig(65, "lstm", 128, 2)
    need = training_bytes(model, TrainConfig())
    check_fits(model, TrainConfig(), available=need * 2)
    with pytest.raises(ModelTooLargeError):
        check_fits(model, TrainConfig(), available=need)
    assert available_bytes() is None or available_bytes() > 0
    CharRNN(model)  # and the small model builds


def test_the_cli_says_so_in_one_line():
    out = subprocess.run([sys.executable, "-m", "rnnlab.cli.main", "train", "builtin:hello", "--hidden", "8192",
                          "--layers", "20", "--steps", "1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.startswith("error: this model would need about")
    assert out.stderr.count("\n") == 1
