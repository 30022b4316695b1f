"""The loss plot's data: growing numpy buffers and an incremental moving average.

Pure numpy (no Qt), so it can be tested and reused on its own. Appending k points costs
O(k) amortised: the buffers double their capacity when full instead of copying on every
call, and the smoothed values are computed only for the new points.
"""

from __future__ import annotations

import math

import numpy as np


def ema(x: np.ndarray, alpha: float, state: tuple[float, float]) -> tuple[np.ndarray, tuple[float, float]]:
    """Debiased exponential moving average of x, continuing from state = (num, den):

        num_k = a num_{k-1} + (1 - a) x_k,   den_k = a den_{k-1} + (1 - a),   s_k = num_k / den_k

    (den corrects the pull towards 0 at the start, as TensorBoard does). Non-finite x_k are
    skipped: num and den stay as they were. Vectorised by blocks: inside a block
    num_k = a^k (num_0 + sum_j (1-a) x_j a^-j); blocks are short enough that a^-j stays
    far from overflow. Returns s (NaN until the first finite x) and the new state.
    """
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    num, den = state
    if alpha <= 0.0:  # no smoothing: carry the last finite value over gaps
        last = np.maximum.accumulate(np.where(finite, np.arange(len(x)), -1))
        prev = num / den if den > 0 else np.nan
        out = np.where(last >= 0, x[np.maximum(last, 0)], prev)
        if finite.any():
            num, den = float(x[last[-1]]), 1.0
        return out, (num, den)
    log_a = math.log(alpha)
    block = max(1, min(4096, int(500.0 / -log_a)))
    out = np.empty_like(x)
    for s in range(0, len(x), block):
        xb, fb = x[s : s + block], finite[s : s + block]
        decay_log = np.cumsum(np.where(fb, log_a, 0.0))  # log of a^(finite steps so far)
        w = np.where(fb, (1.0 - alpha) * np.exp(-decay_log), 0.0)
        decay = np.exp(decay_log)
        nums = decay * (num + np.cumsum(w * np.where(fb, xb, 0.0)))
        dens = decay * (den + np.cumsum(w))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[s : s + block] = np.where(dens > 0, nums / dens, np.nan)
        num, den = float(nums[-1]), float(dens[-1])
    return out, (num, den)


class LossSeries:
    """The training points in growing buffers, with their running EMA."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.n = 0
        self.steps = np.empty(1024, np.int64)
        self.chars = np.empty(1024, np.int64)
        self.seconds = np.full(1024, np.nan)  # training time at each step, where known (race)
        self.lr = np.full(1024, np.nan)  # the step's learning rate, where known
        self.lr_max = 0.0
        self.loss = np.empty(1024, np.float64)
        self.smooth = np.empty(1024, np.float64)
        self.nonfinite = 0  # non-finite losses held: masking is needed only when > 0
        self.state = (0.0, 0.0)
        # running (min, max) of the finite values, so the plot's range costs nothing per redraw
        self.loss_bounds = self.smooth_bounds = (math.inf, -math.inf)

    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        if need <= len(self.loss):
            return
        cap = max(need, 2 * len(self.loss))
        for name in ("steps", "chars", "seconds", "lr", "loss", "smooth"):
            old = getattr(self, name)
            new = np.empty(cap, old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def append(self, steps: np.ndarray, losses: np.ndarray, chars: np.ndarray, alpha: float,
               seconds: np.ndarray | None = None, lrs: np.ndarray | None = None) -> None:
        k = len(losses)
        self._reserve(k)
        a, b = self.n, self.n + k
        self.steps[a:b], self.chars[a:b], self.loss[a:b] = steps, chars, losses
        self.seconds[a:b] = np.nan if seconds is None else seconds
        self.lr[a:b] = np.nan if lrs is None else lrs
        self.lr_max = _widen((0.0, self.lr_max), self.lr[a:b])[1]
        self.smooth[a:b], self.state = ema(self.loss[a:b], alpha, self.state)
        self.nonfinite += int(k - np.count_nonzero(np.isfinite(self.loss[a:b])))
        self.n = b
        self.loss_bounds = _widen(self.loss_bounds, self.loss[a:b])
        self.smooth_bounds = _widen(self.smooth_bounds, self.smooth[a:b])

    def resmooth(self, alpha: float) -> None:
        self.smooth[: self.n], self.state = ema(self.loss[: self.n], alpha, (0.0, 0.0))
        self.smooth_bounds = _widen((math.inf, -math.inf), self.smooth[: self.n])


def _widen(bounds: tuple[float, float], values: np.ndarray) -> tuple[float, float]:
    """(min, max) over bounds and the finite values."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return bounds
    return min(bounds[0], float(finite.min())), max(bounds[1], float(finite.max()))
