"""Gate saturation: how often each gate is nearly shut or wide open (Karpathy et al. 2015).

Pure numpy, no Qt: the gates view draws what this returns. Shapes: T time steps, H units.
"""

from __future__ import annotations

import numpy as np


def gate_saturation(gate: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """For a gate's values (T, H) in [0, 1]: the fraction of time steps each unit spends
    nearly shut (< low) and nearly open (> high), each (H,) float64.

    Karpathy, Johnson & Fei-Fei (2015) plot one against the other: units far from both
    axes act as soft switches; units in a corner are (almost) always on or always off.
    """
    gate = np.asarray(gate, dtype=np.float64)
    if gate.ndim != 2:
        raise ValueError(f"gate values must be (time steps, units), not shape {gate.shape}")
    if gate.shape[0] == 0:
        raise ValueError("no time steps: saturation needs at least one")
    return (gate < low).mean(axis=0), (gate > high).mean(axis=0)
