"""Parts the loss, race and gradient plots share: a compact axis, a curve fed only finite
points, the baseline line's text."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg


class CompactAxis(pg.AxisItem):
    """Tick labels like 250k, 1.5M instead of 250000 or 1.5e+06."""

    def tickStrings(self, values, scale, spacing):
        big = max((abs(v) for v in values), default=0.0) * scale
        for unit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if big >= 10 * unit or (big >= unit and spacing * scale >= unit / 100):
                dec = max(0, -math.floor(math.log10(spacing * scale / unit))) if spacing > 0 else 0
                return [f"{v * scale / unit:.{dec}f}{suffix}" if v else "0" for v in values]
        return super().tickStrings(values, scale, spacing)


def set_curve(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, nonfinite: bool, log: bool) -> None:
    """setData without pyqtgraph's finite check: drop NaN/inf (and y <= 0 on a log axis) first."""
    if (nonfinite or log) and len(y):
        keep = np.isfinite(y) & (y > 0) if log else np.isfinite(y)
        if not keep.all():
            x, y = x[keep], y[keep]
    curve.setData(x, y, skipFiniteCheck=True)


def baseline_text(label: str, value: float, unit: str) -> str:
    """"5-gram baseline 1.70 nats/char", and under it what it measured when the label's
    second line says (kept short: the line's text must fit a 1024-px window's plot)."""
    name, _, note = label.partition("\n")
    return f"{name} {value:.2f} {unit}/char" + (f"\n{note}" if note else "")
