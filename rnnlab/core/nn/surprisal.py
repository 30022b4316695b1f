"""The next character: how surprised the model was by each one, in bits, and its most
likely guesses. Pure numpy, no Qt. Shapes: T time steps, V characters.
"""

from __future__ import annotations

import numpy as np


def surprisal_bits(probs: np.ndarray, next_ids: np.ndarray) -> np.ndarray:
    """-log2 p(next char) for each step (T,), float64: 0 bits = certain, 1 bit = a coin flip.

    probs (T, V) are the model's distributions, next_ids (T,) the characters that came.
    p is clipped to [1e-12, 1] so a char the model ruled out reads ~40 bits, not infinity.
    """
    probs = np.asarray(probs, dtype=np.float64)
    next_ids = np.asarray(next_ids)
    if probs.ndim != 2 or next_ids.shape != (probs.shape[0],):
        raise ValueError(f"probs (T, V) and next_ids (T,) must have the same T, "
                         f"got {probs.shape} and {next_ids.shape}")
    if next_ids.size and (next_ids.min() < 0 or next_ids.max() >= probs.shape[1]):
        raise ValueError(f"next ids must be in [0, {probs.shape[1]})")
    p = probs[np.arange(probs.shape[0]), next_ids.astype(np.int64)]
    return -np.log2(np.clip(p, 1e-12, 1.0))


def top_next(probs_row: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k most probable next ids with their probabilities, descending (ties: lower id first)."""
    if k < 0:
        raise ValueError(f"k must be 0 or more, not {k}")
    p = np.asarray(probs_row, dtype=np.float64).reshape(-1)
    order = np.lexsort((np.arange(p.size), -p))[:k]
    return [(int(i), float(p[i])) for i in order]
