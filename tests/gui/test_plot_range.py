"""plot_range: rounded view ranges that follow growing data and change rarely."""

import math

import numpy as np

from rnnlab.gui.plots.plot_range import FINE, follow_x, follow_y, nice_ceil


def test_nice_ceil():
    values = (0.0, -3.0, math.nan, 0.04, 0.5, 1.0, 1.2, 2.1, 2.5, 4.0, 7.0, 1234.0)
    assert [nice_ceil(v) for v in values] == [1, 1, 1, 0.05, 0.5, 1, 2, 2.5, 2.5, 5, 10, 2000]
    assert [nice_ceil(v, FINE) for v in (1.2, 2.1, 3.5, 7, 9)] == [1.5, 3, 4, 8, 10]


def test_x_view_starts_at_the_data_and_leaves_room_to_grow():
    assert follow_x((1, 80), None) == (1, 1 + 100)  # span 79 * 1.2 = 94.8 -> 100
    assert follow_x((1, 90), (1, 101)) is None  # still inside: kept
    assert follow_x((1, 120), (1, 101)) == (1, 1 + 150)  # ran out: grows
    assert follow_x((1, 10), (1, 151)) == (1, 1 + 15)  # data restarted (reset): refits


def test_y_view_contains_the_data_with_rounded_bounds():
    lo, hi = follow_y((1.37, 4.18), None)
    assert lo < 1.37 and hi > 4.18
    assert all(abs(v / 0.5 - round(v / 0.5)) < 1e-9 for v in (lo, hi))  # step = nice(2.81 / 5)
    assert follow_y((1.5, 4.0), (lo, hi)) is None
    assert follow_y((2.9, 3.0), (lo, hi)) is not None  # fills too little of the view: refits
    lo2, hi2 = follow_y((4.2, 4.2), None)  # a single value still gets a proper range
    assert lo2 < 4.2 < hi2 and hi2 - lo2 < 1


def test_a_falling_loss_changes_the_view_rarely():
    """The point of it all: 2000 redraws of a training curve, a handful of range changes."""
    steps = np.arange(1, 20001)
    rng = np.random.default_rng(0)
    loss = 1.4 + 2.8 * np.exp(-steps / 3000) + 0.15 * rng.standard_normal(len(steps))
    x_view = y_view = None
    changes = 0
    for n in range(10, len(steps) + 1, 10):
        new_x = follow_x((1, n), x_view)
        new_y = follow_y((loss[:n].min(), loss[:n].max()), y_view)
        changes += bool(new_x or new_y)
        x_view, y_view = new_x or x_view, new_y or y_view
        assert x_view[0] <= 1 and x_view[1] >= n and y_view[0] <= loss[:n].min() and y_view[1] >= loss[:n].max()
    assert changes <= 40, changes
