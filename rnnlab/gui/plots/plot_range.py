"""View ranges for a live plot that change rarely (pure maths, no Qt).

pyqtgraph's auto-range refits the view to the data on every update, so the axes (and the
grid drawn by them) are re-laid-out and repainted several times a second while training;
that painting took most of the GUI thread's time and slowed training through the GIL.
Here the view only moves when the data leaves it or fills only a small part of it, and
then to rounded bounds with headroom, so a live loss curve changes range a few dozen
times over a long run instead of at every redraw.
"""

from __future__ import annotations

import math

NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
FINE = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # for the growing axis: less empty room


def nice_ceil(value: float, mantissas: tuple[float, ...] = NICE) -> float:
    """The smallest of m x 10^k (m in mantissas, by default 1, 2, 2.5, 5) that is >= value
    (1 for value <= 0 or not finite)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(value))
    return next(m * base for m in mantissas if m * base >= value * (1 - 1e-12))


def follow_x(data: tuple[float, float], view: tuple[float, float] | None) -> tuple[float, float] | None:
    """A growing axis (steps, characters): the view starts at the data's start and ends
    with room to grow (20% or more, rounded). Returns the new view, or None to keep it."""
    lo, hi = data
    span = max(hi - lo, 1e-9 * max(1.0, abs(hi)))
    if view is not None:
        v_lo, v_hi = view
        if v_lo <= lo and v_hi >= hi and v_lo >= lo - 0.05 * span and (v_hi - v_lo) <= 3.0 * span:
            return None
    return lo, lo + nice_ceil(span * 1.2, FINE)


def follow_y(data: tuple[float, float], view: tuple[float, float] | None) -> tuple[float, float] | None:
    """A wandering axis (loss): bounds with a 10% margin, rounded outwards to a step of
    about a fifth of the data's span; kept while the data stays inside and fills at
    least 40% of it."""
    lo, hi = data
    span = max(hi - lo, 0.02 * max(abs(lo), abs(hi)), 1e-6)
    if view is not None:
        v_lo, v_hi = view
        if v_lo <= lo and v_hi >= hi and (v_hi - v_lo) <= 2.5 * span:
            return None
    step = nice_ceil(span / 5.0)
    margin = 0.1 * span
    return math.floor((lo - margin) / step) * step, math.ceil((hi + margin) / step) * step


def follow_view(view, xs: list[float], ys: list[float]) -> None:
    """Move a pyqtgraph ViewBox to follow the data spanning xs and ys (in view units), only
    when follow_x / follow_y say the current range no longer fits."""
    if not xs or not ys:
        return
    vx, vy = view.viewRange()
    new_x = follow_x((min(xs), max(xs)), tuple(vx))
    new_y = follow_y((min(ys), max(ys)), tuple(vy))
    if new_x or new_y:
        view.setRange(xRange=new_x or vx, yRange=new_y or vy, padding=0.0)
