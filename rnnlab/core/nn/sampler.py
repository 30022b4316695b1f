"""Streaming generation: one character per step, the hidden state carried forward.

    prime "hel" --(one forward over the whole prime)--> logits, hidden
    loop:  logits --temperature / top-k / top-p--> probs --sample--> char c
           yield c;  c, hidden --(ONE forward step of length 1)--> logits, hidden

The prefix is never re-run, so every new character costs the same (O(1) per char): the
prime goes through the model once, each new character through fast_step.py's numpy
step. Stop early by dropping the generator. The prime itself is not yielded.

The prime starts a line: the model reads "\\n" first (when "\\n" is in the vocabulary and
the prime does not start with it), because a sample starts from a zero state, which in
training meant "somewhere in the text", while every line the model read came after a
newline: so "abca|....|" is read as a copy-task line, "def " as the start of a statement.
Empty prime: generation starts after that "\\n" alone (else after the vocabulary's first
character). The start character is fed to the model but not yielded.

Randomness comes from a dedicated numpy Generator (never a global RNG), one uniform
number per character: the same seed and settings always give the same text, and a longer
sample starts with the shorter one. Each character comes with two
probabilities: `prob` under the distribution actually sampled from (after temperature,
top-k, top-p) and `model_prob` under the plain model (softmax at temperature 1), so
the app can colour text by surprisal, -log2(model_prob).
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from rnnlab.core.data.vocab import Vocabulary, format_chars
from rnnlab.core.nn.blas_fit import CHUNK, FittedBlas
from rnnlab.core.nn.fast_step import FastStepper
from rnnlab.core.nn.model import CharRNN, Hidden

_TOP_P_EPS = 1e-9  # rounding slack when comparing cumulative mass with top_p


class SamplerError(ValueError):
    """Bad sampling settings or a prime the model cannot read."""


@dataclass(frozen=True)
class SampledChar:
    char: str
    index: int  # vocabulary id
    prob: float  # under the distribution sampled from (after temperature/top-k/top-p)
    model_prob: float  # under the plain model: softmax(logits) at temperature 1


@dataclass(frozen=True)
class SampleSettings:
    prime: str = ""  # "" = start after "\n" (or the vocabulary's first char)
    length: int = 500  # characters to generate (prime not included)
    temperature: float = 1.0  # 0 = greedy (argmax)
    top_k: int = 0  # keep the k most likely chars; 0 = off
    top_p: float = 1.0  # nucleus: smallest set with mass >= top_p; 1.0 = off
    seed: int | None = None  # None = a fresh random seed

    def check(self) -> None:
        """Raise SamplerError if any setting is out of range."""
        if not _is_whole(self.length) or self.length < 0:
            raise SamplerError(f"length must be a whole number >= 0, not {self.length!r}")
        check_filters(self.temperature, self.top_k, self.top_p)


def check_filters(temperature: float, top_k: int, top_p: float) -> None:
    """Raise SamplerError unless temperature >= 0, top_k >= 0 and 0 < top_p <= 1."""
    if not (isinstance(temperature, numbers.Real) and math.isfinite(temperature) and temperature >= 0):
        raise SamplerError(f"temperature must be a finite number >= 0 (0 = greedy), not {temperature!r}")
    if not _is_whole(top_k) or top_k < 0:
        raise SamplerError(f"top_k must be a whole number >= 0 (0 = off), not {top_k!r}")
    if not (isinstance(top_p, numbers.Real) and 0.0 < top_p <= 1.0):
        raise SamplerError(f"top_p must be in (0, 1] (1 = off), not {top_p!r}")


def _is_whole(n) -> bool:
    return isinstance(n, numbers.Integral) and not isinstance(n, bool)


def next_char_distribution(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0
) -> torch.Tensor:
    """Turn next-char logits (V,) into the probabilities (V,) we sample from (float64).

    temperature 0 -> all mass on the argmax; otherwise softmax(logits / temperature),
    then keep only the top_k most likely chars (if top_k > 0), then only the smallest
    set of most likely chars whose mass is >= top_p (if top_p < 1), renormalised.
    """
    check_filters(temperature, top_k, top_p)
    values = logits.detach().to("cpu", torch.float64).reshape(-1).numpy()
    return torch.from_numpy(_distribution(values, temperature, top_k, top_p))


def _distribution(logits: np.ndarray, temperature: float, top_k: int, top_p: float) -> np.ndarray:
    """next_char_distribution on a float64 array (settings already checked)."""
    if temperature == 0:
        probs = np.zeros_like(logits)
        probs[logits.argmax()] = 1.0
        return probs
    # Subtract the max first: a tiny temperature then gives -inf, never inf - inf = nan.
    scaled = (logits - logits.max()) / temperature  # (V,)
    if 0 < top_k < scaled.size:
        drop = np.argpartition(scaled, scaled.size - top_k)[:scaled.size - top_k]  # exactly k kept
        scaled[drop] = -math.inf
    probs = np.exp(scaled)
    probs /= probs.sum()
    if top_p < 1.0:
        probs = _nucleus(probs, top_p)
    return probs


def _nucleus(probs: np.ndarray, top_p: float) -> np.ndarray:
    """Keep the smallest set of most likely chars whose total mass is >= top_p."""
    order = np.argsort(-probs, kind="stable")  # (V,)
    sorted_probs = probs[order]
    mass_before = np.cumsum(sorted_probs) - sorted_probs  # mass of the chars ranked above
    kept = np.zeros_like(probs)
    keep = order[mass_before < top_p - _TOP_P_EPS]  # the top char is always kept
    kept[keep] = probs[keep]
    return kept / kept.sum()


def prime_ids(vocab: Vocabulary, prime: str) -> torch.Tensor:
    """The ids (P,) the model reads before generating; see the module docstring for ""."""
    if not prime and not len(vocab):
        raise SamplerError("the vocabulary is empty")
    if "\n" in vocab and not prime.startswith("\n"):
        prime = "\n" + prime  # a line starts here (see the module docstring)
    elif not prime:
        prime = vocab.chars[0]
    missing = vocab.missing(prime)
    if missing and vocab.unknown_id is None:
        raise SamplerError(
            f"prime text has characters not in the model's vocabulary: {format_chars(missing)}"
        )
    # With a folded vocabulary, rare chars read as the replacement symbol, as in training.
    return torch.as_tensor(vocab.encode(prime).astype("int64"))  # (P,)


def sample_stream(model: CharRNN, vocab: Vocabulary, settings: SampleSettings, *,
                  own_cores: bool = False) -> Iterator[SampledChar]:
    """Generate `settings.length` characters one at a time (see the module docstring).

    Settings, the prime and the model/vocabulary match are checked right away (this is
    a plain function returning a generator), so errors surface before the first char.
    `own_cores`: nothing else in the process needs the cores (rnnlab sample), so the numpy
    steps may take more BLAS threads, as many as measure fastest (blas_fit.py); the text is
    the same either way.
    """
    settings.check()
    if model.config.vocab_size != len(vocab):
        raise SamplerError(
            f"the model expects {model.config.vocab_size} characters but the vocabulary has {len(vocab)}"
        )
    ids = prime_ids(vocab, settings.prime)
    rng = np.random.default_rng(settings.seed)  # None: a fresh seed from the OS
    return _generate(model, vocab, ids, settings, rng, own_cores)


def sample_text(model: CharRNN, vocab: Vocabulary, settings: SampleSettings) -> str:
    """The generated characters as one string (the prime is not included)."""
    return "".join(s.char for s in sample_stream(model, vocab, settings))


def _generate(
    model: CharRNN, vocab: Vocabulary, ids: torch.Tensor, settings: SampleSettings, rng: np.random.Generator,
    own_cores: bool = False,
) -> Iterator[SampledChar]:
    if settings.length == 0:
        return
    logits, hidden = _forward(model, ids, None)  # the whole prime, once, through torch
    stepper = FastStepper(model)  # then one cheap numpy step per character
    stepper.set_state(hidden)
    values = logits.double().numpy()
    chars, plain = vocab.chars, settings.temperature == 1 and settings.top_k == 0 and settings.top_p == 1
    blas = FittedBlas() if own_cores and settings.length > CHUNK else None
    stepping = 0.0  # seconds in the steps of this chunk (not the caller's time between chars)
    try:
        for n in range(settings.length):
            idx, prob, model_prob = _draw(values, settings, plain, rng)
            yield SampledChar(chars[idx], idx, prob, model_prob)
            if n + 1 < settings.length:  # no need to read the last char
                started = time.perf_counter()
                values = stepper.step(idx).astype(np.float64)
                stepping += time.perf_counter() - started
            if blas is not None and (n + 1) % CHUNK == 0:
                blas.chunk_done(CHUNK, stepping)
                stepping = 0.0
    finally:
        if blas is not None:
            blas.close()


def _draw(logits: np.ndarray, settings: SampleSettings, plain: bool, rng: np.random.Generator):
    """(char id, its probability as sampled, under the plain model): one softmax at
    temperature 1 (two with a temperature or filter) and one uniform number per char, so
    a longer sample with the same seed starts with the shorter one."""
    weights = np.exp(logits - logits.max())
    total = weights.sum()
    if settings.temperature == 0:
        idx = int(logits.argmax())
        return idx, 1.0, float(weights[idx] / total)
    probs = weights / total if plain else _distribution(logits, settings.temperature, settings.top_k,
                                                        settings.top_p)
    cdf = np.cumsum(probs)
    idx = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))  # skips zero-mass chars
    if idx >= len(probs):  # u * total rounded up to the total
        idx = int(np.flatnonzero(probs)[-1])
    return idx, float(probs[idx]), float(weights[idx] / total)


def _forward(model: CharRNN, ids: torch.Tensor, hidden: Hidden | None) -> tuple[torch.Tensor, Hidden]:
    """Read ids (T,) from `hidden`; return the last step's logits (V,) on the CPU and the new hidden.

    Eval mode and inference mode hold only inside this call, so nothing leaks into the
    caller's code between two yields; the model's training flag is restored.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            device = model.decoder.weight.device
            logits, hidden = model(ids.view(1, -1).to(device), hidden)  # (1, T, V)
            return logits[0, -1].float().cpu(), hidden
    finally:
        model.train(was_training)
