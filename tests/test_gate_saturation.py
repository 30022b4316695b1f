"""Gate saturation: the fractions of time each gate unit is nearly shut or open."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.core.nn.gate_saturation import gate_saturation


def test_gate_saturation_counts_fractions_per_unit():
    gate = np.array([[0.05, 0.5],
                     [0.95, 0.5],
                     [0.02, 0.99],
                     [0.5, 0.1]])  # 0.1 is not < 0.1: the bounds are strict
    shut, open_ = gate_saturation(gate)
    assert shut.dtype == open_.dtype == np.float64 and shut.shape == (2,)
    np.testing.assert_array_equal(shut, [0.5, 0.0])
    np.testing.assert_array_equal(open_, [0.25, 0.25])
    shut, open_ = gate_saturation(gate, low=0.4, high=0.6)
    np.testing.assert_array_equal(shut, [0.5, 0.25])
    np.testing.assert_array_equal(open_, [0.25, 0.25])


def test_gate_saturation_needs_time_steps():
    with pytest.raises(ValueError, match="time steps"):
        gate_saturation(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="shape"):
        gate_saturation(np.zeros(3))
