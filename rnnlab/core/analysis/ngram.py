"""Baseline: an n-gram character model with interpolated Witten-Bell smoothing.

Order n predicts a character from the n-1 characters before it. The smoothing is
interpolated Witten-Bell (Witten & Bell 1991, in the recursive form of Chen & Goodman 1998,
"An empirical study of smoothing techniques for language modeling", section 2.5):

    P_0(w)     = 1 / V                                     (uniform over the vocabulary)
    P_m(w | h) = (c(h, w) + T(h) * P_{m-1}(w | h')) / (c(h) + T(h))    for a seen context h
    P_m(w | h) = P_{m-1}(w | h')                                         for an unseen one

where h is the m characters before w, h' is h without its oldest character, c(h, w) how
often h was followed by w in the training text, c(h) = sum_w c(h, w) and T(h) the number of
distinct characters that followed h. (The unigram level, m = 0, has the empty context: c is
the number of training characters, T the number of distinct ones.) Each level is a mixture
of a distribution and the level below, so every distribution sums to 1 over the vocabulary,
and the uniform floor means no character ever gets probability 0: the loss is finite on any
text, even with contexts or characters never seen in training.

Counting is done in numpy, not in Python dicts: the context of each length m gets a dense
integer id, built from the id of its length m-1 suffix and one more character
(key = suffix_id * V + char, renumbered with np.unique), so keys never overflow int64 whatever
the vocabulary size, and lookups are np.searchsorted on sorted key arrays. Fitting order 6 on
a 1 M character text takes a few seconds.

Validation loss is the quantity rnnlab.core.train.evaluation.evaluate_loss reports for the RNN:
mean -ln p per character (nats/char) over the validation part, predicting val[1:] (the RNN
has no prediction for val[0]), capped at `max_chars` targets the same way. An n-gram context
may reach back across the split into the last training characters (at most n-1 of them);
this only affects the first n-2 scored characters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnlab.core.train.events import LN2

__all__ = ["MAX_ORDER", "MIN_ORDER", "SMOOTHING", "NGramError", "NGramModel", "bits",
           "check_order", "fit_corpus", "validation_loss"]

MIN_ORDER, MAX_ORDER = 1, 6
SMOOTHING = ("witten-bell",)
_CHUNK = 1 << 20  # query positions scored at a time (bounds temporary memory)


class NGramError(ValueError):
    """A bad order, smoothing method or training text for an n-gram model."""


def check_order(order) -> int:
    """`order` as an int, or NGramError unless it is in 1..6."""
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) \
            or not MIN_ORDER <= order <= MAX_ORDER:
        raise NGramError(f"n-gram order must be a whole number from {MIN_ORDER} to {MAX_ORDER}, "
                         f"not {order!r}")
    return int(order)


def bits(nats: float) -> float:
    """Nats per char -> bits per char."""
    return nats / LN2


@dataclass
class _Level:
    """Counts for contexts of one length m >= 1 (sorted keys, searchsorted lookups)."""

    ctx_keys: np.ndarray  # (C,) int64: suffix id (level m-1) * V + oldest char; index = id
    ctx_count: np.ndarray  # (C,) c(h)
    ctx_types: np.ndarray  # (C,) T(h)
    pair_keys: np.ndarray  # (P,) int64: context id * V + next char, sorted
    pair_count: np.ndarray  # (P,) c(h, w)


def _lookup(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of each query in the sorted `keys`, or -1 where absent."""
    if keys.size == 0:
        return np.full(query.shape, -1, dtype=np.int64)
    j = np.searchsorted(keys, query)
    j_clipped = np.minimum(j, keys.size - 1)
    return np.where(keys[j_clipped] == query, j_clipped, -1)


class NGramModel:
    """An interpolated Witten-Bell character n-gram model; build it with `NGramModel.fit`."""

    def __init__(self, order: int, vocab_size: int, unigram: np.ndarray, n_train: int,
                 levels: list[_Level], smoothing: str = "witten-bell"):
        self.order = order
        self.vocab_size = vocab_size
        self.smoothing = smoothing
        self.n_train = n_train
        self._unigram = unigram  # (V,) counts
        self._levels = levels  # contexts of length 1 .. order-1

    # ---- fitting ---------------------------------------------------------------------

    @classmethod
    def fit(cls, train_ids: np.ndarray, vocab_size: int, order: int,
            smoothing: str = "witten-bell", progress: Callable[[float], None] | None = None) -> NGramModel:
        """Count every m-gram (m <= order) of `train_ids` (ids in [0, vocab_size)).
        `progress(share done)` is called after each order: a caller can stop the count there
        by raising (a window closing must not leave it running while Python exits)."""
        order = check_order(order)
        if smoothing not in SMOOTHING:
            raise NGramError(f"unknown smoothing {smoothing!r}; choose from {', '.join(SMOOTHING)}")
        if vocab_size < 1:
            raise NGramError(f"vocab_size must be at least 1, not {vocab_size}")
        x = np.asarray(train_ids)
        if x.ndim != 1:
            raise NGramError(f"train_ids must be 1-D, not shape {x.shape}")
        if x.size < order:
            raise NGramError(f"the training text is too short for order {order}: it has {x.size:,} "
                             f"characters and needs at least {order}")
        x = x.astype(np.int64, copy=False)
        if x.min() < 0 or x.max() >= vocab_size:
            raise NGramError(f"ids must be in [0, {vocab_size}), found {int(x.min())}..{int(x.max())}")
        V = vocab_size
        n = x.size
        unigram = np.bincount(x, minlength=V).astype(np.int64)
        levels = []
        ids = np.zeros(n, dtype=np.int64)  # id of the length m-1 context ending before t
        for m in range(1, order):
            key = ids[m:] * V + x[: n - m]  # context x[t-m:t] from its suffix id and x[t-m]
            ctx_keys, inv = np.unique(key, return_inverse=True)
            inv = inv.reshape(-1).astype(np.int64)
            ctx_count = np.bincount(inv, minlength=ctx_keys.size).astype(np.int64)
            pair_keys, pair_count = np.unique(inv * V + x[m:], return_counts=True)
            ctx_types = np.bincount(pair_keys // V, minlength=ctx_keys.size).astype(np.int64)
            levels.append(_Level(ctx_keys, ctx_count, ctx_types, pair_keys,
                                 pair_count.astype(np.int64)))
            ids = np.full(n, -1, dtype=np.int64)
            ids[m:] = inv
            if progress is not None:
                progress(m / (order - 1))
        return cls(order, V, unigram, n, levels, smoothing)

    # ---- probabilities ---------------------------------------------------------------

    def _probs(self, seq: np.ndarray, pos: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """p(targets[i] | up to order-1 chars of seq before pos[i]), float64, vectorized.

        Where fewer than order-1 characters precede pos[i], the longest available context is
        used (as in the recursion, with the longer levels left out).
        """
        V = self.vocab_size
        u = self._unigram
        n_types = np.count_nonzero(u)
        p = (u[targets] + n_types / V) / (self.n_train + n_types)
        ids = np.zeros(pos.shape, dtype=np.int64)
        for m, level in enumerate(self._levels, start=1):
            live = np.flatnonzero((ids >= 0) & (pos >= m))
            if live.size == 0:
                break
            found = _lookup(level.ctx_keys, ids[live] * V + seq[pos[live] - m])
            ids[:] = -1
            ids[live] = found
            hit = live[found >= 0]
            if hit.size == 0:
                break
            h = ids[hit]
            j = _lookup(level.pair_keys, h * V + targets[hit])
            c_hw = np.where(j >= 0, level.pair_count[np.maximum(j, 0)], 0)
            c_h, t_h = level.ctx_count[h], level.ctx_types[h]
            p[hit] = (c_hw + t_h * p[hit]) / (c_h + t_h)
        return p

    def _context(self, context_ids) -> np.ndarray:
        ctx = np.asarray(context_ids, dtype=np.int64).reshape(-1)[-(self.order - 1):] \
            if self.order > 1 else np.zeros(0, dtype=np.int64)
        if ctx.size and (ctx.min() < 0 or ctx.max() >= self.vocab_size):
            raise NGramError(f"context ids must be in [0, {self.vocab_size})")
        return ctx

    def distribution(self, context_ids) -> np.ndarray:
        """(V,) p(w | context) for every w; only the last order-1 context ids are used."""
        ctx = self._context(context_ids)
        seq = np.concatenate([ctx, [0]]).astype(np.int64)
        V = self.vocab_size
        return self._probs(seq, np.full(V, ctx.size, dtype=np.int64), np.arange(V, dtype=np.int64))

    def prob(self, context_ids, next_id: int) -> float:
        """p(next_id | context); only the last order-1 context ids are used."""
        if not 0 <= next_id < self.vocab_size:
            raise NGramError(f"next_id must be in [0, {self.vocab_size}), not {next_id}")
        ctx = self._context(context_ids)
        seq = np.concatenate([ctx, [next_id]]).astype(np.int64)
        pos = np.array([ctx.size], dtype=np.int64)
        return float(self._probs(seq, pos, seq[pos])[0])

    def loss(self, ids: np.ndarray, start: int = 1) -> float:
        """Mean -ln p(ids[t] | up to order-1 chars before t) over t >= start, in nats/char.

        The default start=1 scores what evaluate_loss scores for the RNN on the same ids
        (every char after the first). Characters before `start` serve only as context.
        """
        seq = np.asarray(ids).astype(np.int64, copy=False).reshape(-1)
        if not 0 <= start < seq.size:
            raise NGramError(f"nothing to score: start {start} with {seq.size} characters")
        if seq.min() < 0 or seq.max() >= self.vocab_size:
            raise NGramError(f"ids must be in [0, {self.vocab_size})")
        total = 0.0
        for lo in range(start, seq.size, _CHUNK):
            pos = np.arange(lo, min(lo + _CHUNK, seq.size), dtype=np.int64)
            total -= float(np.log(self._probs(seq, pos, seq[pos])).sum())
        return total / (seq.size - start)


# ---- corpus helpers ------------------------------------------------------------------

def fit_corpus(corpus, order: int, smoothing: str = "witten-bell",
               max_train_chars: int | None = None, progress: Callable[[float], None] | None = None) -> NGramModel:
    """Fit on the training part of a rnnlab.core.data.corpus.Corpus (only its last
    max_train_chars characters when given: counting takes ~50-75 bytes and ~1-2.5 µs a character)."""
    train = corpus.train if max_train_chars is None else corpus.train[-max_train_chars:]
    return NGramModel.fit(train, len(corpus.vocab), order, smoothing, progress)


def validation_loss(corpus, order: int, max_chars: int | None = None,
                    model: NGramModel | None = None, max_train_chars: int | None = None,
                    progress: Callable[[float], None] | None = None) -> float:
    """Nats/char on the corpus's validation part, comparable with the RNN's validation loss.

    Scores val[1 : max_chars + 1] (all of val[1:] when max_chars is None), the targets
    evaluate_loss scores; the n-gram context may include the last training characters.
    Fits the model (on at most the last max_train_chars training characters) unless one
    (fitted on this corpus's training part) is given.
    """
    if model is None:
        model = fit_corpus(corpus, order, max_train_chars=max_train_chars, progress=progress)
    elif model.order != order:
        raise NGramError(f"the given model has order {model.order}, not {order}")
    n_val = corpus.n_val
    if n_val < 2:
        raise NGramError(f"{corpus.name}: the validation part needs at least 2 characters, "
                         f"it has {n_val}")
    if max_chars is not None and max_chars < 1:
        raise NGramError(f"max_chars must be at least 1, not {max_chars}")
    n_scored = n_val - 1 if max_chars is None else min(n_val - 1, int(max_chars))
    first = corpus.n_train + 1  # index in corpus.data of the first scored target
    lo = max(0, first - (order - 1))
    seq = corpus.data[lo : first + n_scored]
    return model.loss(seq, start=first - lo)

