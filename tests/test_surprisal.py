"""Surprisal in bits and the most likely next characters, on hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnlab.core.nn.surprisal import surprisal_bits, top_next


def test_surprisal_bits_exact_values():
    probs = np.array([[0.5, 0.25, 0.25],
                      [0.125, 0.875, 0.0],
                      [0.0, 0.0, 1.0],
                      [0.25, 0.25, 0.5]])
    bits = surprisal_bits(probs, np.array([0, 0, 2, 1]))
    assert bits.dtype == np.float64 and bits.shape == (4,)
    np.testing.assert_allclose(bits, [1.0, 3.0, 0.0, 2.0], atol=1e-12)
    ruled_out = surprisal_bits(probs, np.array([0, 2, 0, 0]))
    assert np.isfinite(ruled_out).all()
    assert ruled_out[1] == pytest.approx(-math.log2(1e-12))  # p = 0 clipped to 1e-12: ~39.9 bits


def test_surprisal_bits_checks_shapes_and_ids():
    with pytest.raises(ValueError, match="same T"):
        surprisal_bits(np.full((3, 2), 0.5), np.array([0, 1]))
    with pytest.raises(ValueError, match="ids"):
        surprisal_bits(np.full((2, 2), 0.5), np.array([0, 2]))


def test_top_next_breaks_ties_by_id():
    row = np.array([0.2, 0.4, 0.2, 0.2], dtype=np.float32)
    top = top_next(row, 3)
    assert [i for i, _ in top] == [1, 0, 2]
    np.testing.assert_allclose([p for _, p in top], [0.4, 0.2, 0.2], rtol=1e-6)
    assert all(isinstance(i, int) and isinstance(p, float) for i, p in top)
    assert [i for i, _ in top_next(row, 10)] == [1, 0, 2, 3]
    assert top_next(row, 0) == []
