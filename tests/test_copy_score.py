"""The copy task's scores: which characters are the copied half, and exact copies of fresh lines."""

import math
import random

import numpy as np
import pytest
import torch

from rnnlab.core.data.builtin_corpora import COPY_ALPHABET, copy_line
from rnnlab.core.data.corpus import corpus_from_text, load_corpus
from rnnlab.core.nn import copy_score
from rnnlab.core.nn.copy_score import copy_mask, is_copy_task, score_copy
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.train.presets import DEFAULT_PRESET, RACE_PRESET, preset_for


def test_the_mask_marks_each_second_copy_and_its_newline():
    text = "ab|..|ab\nc|.|c\nda|"
    assert "".join("^" if m else " " for m in copy_mask(text)) == "      ^^^    ^^   "


def test_fresh_lines_follow_the_corpus_format():
    rng = random.Random(3)
    for _ in range(50):
        read, answer = copy_line(rng)
        string, gap, end = read.split("|")
        assert end == "" and answer == string + "\n" and set(string) <= set(COPY_ALPHABET)
        assert 3 <= len(string) <= 5 and 10 <= len(gap) <= 20 and set(gap) == {"."}


def test_only_the_copy_corpus_is_the_copy_task():
    assert is_copy_task(load_corpus("builtin:copy,length=3000,seed=4"))
    assert not is_copy_task(load_corpus("builtin:hello,length=3000"))
    assert not is_copy_task(corpus_from_text("ab|..|ab\n" * 300))


@pytest.fixture(scope="module")
def copy_corpus():
    return load_corpus("builtin:copy,length=6000")


def test_an_untrained_model_copies_nothing_and_its_weights_stay(copy_corpus):
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(vocab_size=len(copy_corpus.vocab), cell="lstm", hidden=16, layers=1)).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    score = score_copy(model, copy_corpus, tries=8)
    assert score.tried == 8 and score.copied == 0
    # log 7 (uniform over the 7 symbols) is about where an untrained model starts
    assert abs(score.copy_loss - math.log(7)) < 0.5 and abs(score.rest_loss - math.log(7)) < 0.5
    read, _ = copy_line(random.Random(copy_score.TRY_SEED))
    assert score.example.startswith(read) and len(score.example) > len(read)
    assert model.training and all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_a_model_that_reads_back_the_string_scores_every_copy(copy_corpus, monkeypatch):
    """sample_text stands in for a perfect copier: every fresh line counts, the example shows it."""
    def copier(model, vocab, settings):
        string = settings.prime.strip("\n").split("|")[0]
        return string + "\n"

    monkeypatch.setattr(copy_score, "sample_text", copier)
    model = CharRNN(ModelConfig(vocab_size=len(copy_corpus.vocab), cell="rnn", hidden=8, layers=1))
    score = score_copy(model, copy_corpus, tries=5)
    assert score.copied == 5 and score.example.count("|") == 2
    string = score.example.split("|")[0]
    assert score.example.endswith("|" + string)


def test_the_copied_half_loss_is_the_loss_at_the_masked_characters(copy_corpus):
    torch.manual_seed(1)
    model = CharRNN(ModelConfig(vocab_size=len(copy_corpus.vocab), cell="gru", hidden=8, layers=1))
    ids = copy_corpus.val[:401].astype(np.int64)
    with torch.no_grad():
        logits, _ = model(torch.as_tensor(ids[None, :-1]))
        losses = torch.nn.functional.cross_entropy(logits[0], torch.as_tensor(ids[1:]), reduction="none").numpy()
    mask = copy_mask(copy_corpus.vocab.decode(ids))[1:]
    score = score_copy(model, copy_corpus, chars=400, tries=1)
    assert score.copy_loss == pytest.approx(losses[mask].mean(), rel=1e-4)
    assert score.rest_loss == pytest.approx(losses[~mask].mean(), rel=1e-4)


@pytest.mark.parametrize("text, chosen, default, expected", [
    ("builtin:copy", None, RACE_PRESET, "memory"),
    ("builtin:copy,length=5000,seed=2", None, DEFAULT_PRESET, "memory"),
    ("builtin:copy", "small", RACE_PRESET, "small"),  # a chosen preset wins
    ("builtin:hello", None, DEFAULT_PRESET, DEFAULT_PRESET),
    ("notes.txt", None, DEFAULT_PRESET, DEFAULT_PRESET),
    (None, None, RACE_PRESET, RACE_PRESET),
    ("builtin:copy,foo=1", None, DEFAULT_PRESET, DEFAULT_PRESET),  # the load says what is wrong
])
def test_a_built_in_text_brings_the_preset_made_for_it(text, chosen, default, expected):
    assert preset_for(text, chosen, default) == expected
