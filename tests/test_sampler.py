"""Streaming sampler: determinism, greedy = argmax, O(1) per char, filters, errors, demo."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.fast_step import FastStepper
from rnnlab.core.nn.model import CharRNN, ModelConfig, hidden_tensors
from rnnlab.core.nn.sampler import (
    SampledChar,
    SamplerError,
    SampleSettings,
    next_char_distribution,
    sample_stream,
    sample_text,
)

CHARS = list("\nabcdefgh ")


@pytest.fixture
def vocab() -> Vocabulary:
    return Vocabulary(chars=CHARS)


@pytest.fixture
def model() -> CharRNN:
    torch.manual_seed(0)
    m = CharRNN(ModelConfig(vocab_size=len(CHARS), cell="lstm", hidden=16, layers=2))
    with torch.no_grad():  # larger weights -> a peakier, more interesting distribution
        for p in m.parameters():
            p.mul_(3.0)
    return m


def greedy_by_rerunning_prefix(model: CharRNN, vocab: Vocabulary, prime: str, length: int) -> str:
    """The slow reference: re-read the whole text from scratch for every new char."""
    ids = [int(i) for i in vocab.encode(prime)]
    out = []
    with torch.no_grad():
        for _ in range(length):
            logits, _ = model(torch.tensor([ids]))  # (1, T, V)
            idx = int(logits[0, -1].argmax())
            ids.append(idx)
            out.append(vocab.chars[idx])
    return "".join(out)


# --- determinism -------------------------------------------------------------------

def test_same_seed_same_text(model, vocab):
    s = SampleSettings(prime="abc", length=60, seed=123)
    assert sample_text(model, vocab, s) == sample_text(model, vocab, s)


def test_different_seeds_differ(model, vocab):
    texts = {sample_text(model, vocab, SampleSettings(prime="a", length=60, seed=s)) for s in range(3)}
    assert len(texts) == 3


def test_sampling_does_not_touch_global_rng(model, vocab):
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    sample_text(model, vocab, SampleSettings(prime="a", length=20, seed=1))
    assert torch.equal(torch.rand(3), expected)


# --- greedy and the carried hidden state --------------------------------------------

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_temperature_zero_is_greedy_and_matches_rerunning_prefix(cell, vocab):
    torch.manual_seed(1)
    m = CharRNN(ModelConfig(vocab_size=len(CHARS), cell=cell, hidden=12, layers=2, embedding=4))
    got = sample_text(m, vocab, SampleSettings(prime="ab", length=30, temperature=0))
    assert got == greedy_by_rerunning_prefix(m, vocab, "\nab", 30)  # a prime starts a line


def test_greedy_probs(model, vocab):
    for s in sample_stream(model, vocab, SampleSettings(prime="ab", length=10, temperature=0)):
        assert s.prob == 1.0
        assert 0.0 < s.model_prob <= 1.0


def test_top_k_1_equals_greedy(model, vocab):
    greedy = sample_text(model, vocab, SampleSettings(prime="ab", length=40, temperature=0))
    top1 = sample_text(model, vocab, SampleSettings(prime="ab", length=40, top_k=1, seed=9))
    assert top1 == greedy


def record_calls(monkeypatch, model):
    """Patch the model's forward (the prime) and the fast step (each new char); returns
    the list of (what, length) they were called with."""
    calls = []
    forward, step = model.forward, FastStepper.step
    monkeypatch.setattr(model, "forward", lambda idx, hidden=None: calls.append(("model", idx.tolist()))
                        or forward(idx, hidden))
    monkeypatch.setattr(FastStepper, "step", lambda self, char: calls.append(("step", char)) or step(self, char))
    return calls


def test_prime_read_once_then_one_step_per_char(model, vocab, monkeypatch):
    calls = record_calls(monkeypatch, model)
    out = list(sample_stream(model, vocab, SampleSettings(prime="abcdefg", length=25, seed=0)))
    assert len(out) == 25
    assert calls[0] == ("model", [[int(i) for i in vocab.encode("\nabcdefg")]])
    assert [c[0] for c in calls[1:]] == ["step"] * 24
    assert [c[1] for c in calls[1:]] == [s.index for s in out[:-1]]  # each drawn char is read next


def test_a_prime_is_read_as_the_start_of_a_line(model, vocab, monkeypatch):
    calls = record_calls(monkeypatch, model)
    for prime, read in (("ab", "\nab"), ("\nab", "\nab"), ("", "\n"), ("a\nb", "\na\nb")):
        calls.clear()
        list(sample_stream(model, vocab, SampleSettings(prime=prime, length=1, seed=0)))
        assert calls[0] == ("model", [[int(i) for i in vocab.encode(read)]]), prime
    no_newline = Vocabulary(chars=list("abcdefgh "))
    m = CharRNN(ModelConfig(vocab_size=len(no_newline), cell="lstm", hidden=8, layers=1))
    calls = record_calls(monkeypatch, m)
    list(sample_stream(m, no_newline, SampleSettings(prime="ab", length=1, seed=0)))
    assert calls[0] == ("model", [[int(i) for i in no_newline.encode("ab")]])  # nothing to start a line with


def test_stopping_early_stops_the_work(model, vocab, monkeypatch):
    calls = record_calls(monkeypatch, model)
    stream = sample_stream(model, vocab, SampleSettings(prime="ab", length=1000, seed=0))
    for _ in zip(range(5), stream):
        pass
    assert len(calls) <= 6


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("embedding", [0, 5])
def test_the_fast_step_computes_what_the_model_does(cell, embedding):
    torch.manual_seed(2)
    m = CharRNN(ModelConfig(vocab_size=len(CHARS), cell=cell, hidden=24, layers=3, embedding=embedding))
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(2.0)
    ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
    with torch.no_grad():
        expected, hidden = m(torch.tensor([ids]))
    stepper = FastStepper(m)
    for t, char in enumerate(ids):
        got = stepper.step(char)
        assert np.allclose(got, expected[0, t].numpy(), atol=1e-4), f"char {t}"
    for ours, theirs in zip(hidden_tensors(stepper.state()), hidden_tensors(hidden)):
        assert torch.allclose(ours, theirs, atol=1e-5)


def test_a_longer_sample_starts_with_the_shorter_one(model, vocab):
    for settings in (dict(), dict(temperature=0.6, top_k=4), dict(top_p=0.8)):
        short = sample_text(model, vocab, SampleSettings(prime="ab", length=40, seed=11, **settings))
        long = sample_text(model, vocab, SampleSettings(prime="ab", length=400, seed=11, **settings))
        assert long.startswith(short) and len(long) == 400


def test_filtered_out_chars_are_never_drawn(model, vocab):
    logits_settings = SampleSettings(prime="abc", length=300, top_k=2, seed=4)
    for s in sample_stream(model, vocab, logits_settings):
        assert s.prob > 0


def test_training_mode_is_restored(model, vocab):
    model.train()
    sample_text(model, vocab, SampleSettings(length=5, seed=0))
    assert model.training


# --- the distribution ------------------------------------------------------------------

def test_probs_sum_to_one_and_model_prob_is_softmax(model, vocab):
    s = SampleSettings(prime="abc", length=1, temperature=0.7, top_k=5, top_p=0.9, seed=3)
    (first,) = list(sample_stream(model, vocab, s))
    with torch.no_grad():
        logits, _ = model(torch.tensor([[int(i) for i in vocab.encode("\nabc")]]))
    expected = torch.softmax(logits[0, -1].double(), 0)[first.index]
    assert first.model_prob == pytest.approx(float(expected), rel=1e-5)
    probs = next_char_distribution(logits[0, -1], 0.7, 5, 0.9)
    assert float(probs.sum()) == pytest.approx(1.0)
    assert first.prob == pytest.approx(float(probs[first.index]))
    assert isinstance(first, SampledChar) and first.char == vocab.chars[first.index]


def test_temperature_scales_logits():
    logits = torch.tensor([1.0, 2.0, 0.5, -1.0])
    for t in (0.5, 1.0, 2.0):
        probs = next_char_distribution(logits, temperature=t)
        assert torch.allclose(probs, torch.softmax(logits.double() / t, 0))


def test_temperature_zero_and_tiny_temperature_are_one_hot():
    logits = torch.tensor([1.0, 3.0, 2.9])
    for t in (0, 1e-30):
        assert next_char_distribution(logits, temperature=t).tolist() == [0.0, 1.0, 0.0]


def test_top_k_keeps_exactly_k():
    logits = torch.tensor([0.1, 2.0, 2.0, 2.0, -1.0, 0.5])  # ties at the top
    for k in range(1, 7):
        probs = next_char_distribution(logits, top_k=k)
        assert int((probs > 0).sum()) == k
        assert float(probs.sum()) == pytest.approx(1.0)
    assert torch.allclose(next_char_distribution(logits, top_k=0), torch.softmax(logits.double(), 0))
    probs = next_char_distribution(logits, top_k=4)
    assert probs[0] == 0 and probs[4] == 0 and probs[5] > 0


def test_top_p_keeps_smallest_set_with_enough_mass():
    target = torch.tensor([0.05, 0.5, 0.2, 0.25], dtype=torch.float64)
    logits = target.log()
    cases = {0.5: [1], 0.6: [1, 3], 0.75: [1, 3], 0.76: [1, 3, 2], 0.95: [1, 3, 2], 0.96: [0, 1, 2, 3]}
    for p, kept in cases.items():
        probs = next_char_distribution(logits, top_p=p)
        assert sorted(torch.nonzero(probs).flatten().tolist()) == sorted(kept), p
        assert torch.allclose(probs[kept], target[kept] / target[kept].sum())
    assert next_char_distribution(logits, top_p=0.01).tolist() == [0.0, 1.0, 0.0, 0.0]


def test_top_k_then_top_p():
    logits = torch.tensor([0.05, 0.5, 0.2, 0.25]).log()
    probs = next_char_distribution(logits, top_k=2, top_p=0.6)  # top-2 {0.5, 0.25} -> 2/3, 1/3
    assert probs.tolist() == pytest.approx([0.0, 1.0, 0.0, 0.0])


# --- prime and settings ------------------------------------------------------------------

def test_prime_outside_vocabulary_names_the_chars(model, vocab):
    with pytest.raises(SamplerError) as err:
        sample_stream(model, vocab, SampleSettings(prime="abZcé", length=5))
    msg = str(err.value)
    assert "prime text has characters not in the model's vocabulary" in msg
    assert "'Z'" in msg and "U+00E9" in msg


def test_empty_prime_starts_after_newline(model, vocab, monkeypatch):
    calls = record_calls(monkeypatch, model)
    out = sample_text(model, vocab, SampleSettings(prime="", length=10, temperature=0))
    assert len(out) == 10
    assert calls[0] == ("model", [[vocab.chars.index("\n")]])
    assert out == greedy_by_rerunning_prefix(model, vocab, "\n", 10)


def test_empty_prime_without_newline_uses_first_char():
    v = Vocabulary(chars=list("xyz"))
    m = CharRNN(ModelConfig(vocab_size=3, hidden=8, layers=1))
    out = sample_text(m, v, SampleSettings(length=8, temperature=0))
    assert out == greedy_by_rerunning_prefix(m, v, "x", 8)


def test_length_zero_yields_nothing(model, vocab):
    assert list(sample_stream(model, vocab, SampleSettings(prime="abc", length=0))) == []


@pytest.mark.parametrize(
    "bad, word",
    [
        (dict(temperature=-0.1), "temperature"),
        (dict(temperature=float("nan")), "temperature"),
        (dict(top_p=0.0), "top_p"),
        (dict(top_p=1.5), "top_p"),
        (dict(length=-1), "length"),
        (dict(top_k=-2), "top_k"),
    ],
)
def test_invalid_settings(model, vocab, bad, word):
    with pytest.raises(SamplerError, match=word):
        sample_stream(model, vocab, SampleSettings(prime="a", **bad))


def test_vocabulary_size_mismatch(model):
    with pytest.raises(SamplerError, match="vocabulary"):
        sample_stream(model, Vocabulary(chars=list("ab")), SampleSettings())


# --- the classic demo ---------------------------------------------------------------------

def test_hello_world_demo():
    """A 2x32 LSTM trained for 200 Adam steps says "hello world" from the prime "h"."""
    torch.manual_seed(0)
    text = "hello world\n" * 4
    vocab = Vocabulary(chars=sorted(set(text)))
    data = torch.tensor(vocab.encode(text).astype("int64"))
    model = CharRNN(ModelConfig(vocab_size=len(vocab), cell="lstm", hidden=32, layers=2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = data[:-1].unsqueeze(0), data[1:].unsqueeze(0)  # (1, T)
    for _ in range(200):
        logits, _ = model(x)  # (1, T, V)
        loss = F.cross_entropy(logits.view(-1, len(vocab)), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.1
    out = sample_text(model, vocab, SampleSettings(prime="h", length=22, temperature=0))
    assert "h" + out == "hello world\nhello world"
    probs = [s.model_prob for s in sample_stream(model, vocab, SampleSettings(prime="h", length=10, temperature=0))]
    assert min(probs) > 0.5 and not any(math.isnan(p) for p in probs)
