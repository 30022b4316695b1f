"""Optimizers and learning-rate schedules, chosen by name."""

from __future__ import annotations

import math

import torch

OPTIMIZERS = ("adam", "adamw", "rmsprop", "sgd")
SCHEDULES = ("auto", "constant", "cosine", "step")


def make_optimizer(name: str, params, lr: float, *, momentum: float = 0.9,
                   weight_decay: float = 0.0) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay or 0.01)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {name!r}")


def schedule_factor(schedule: str, step: int, *, horizon: int, decay_every: int,
                    decay_gamma: float, min_factor: float = 0.05, warmup: int = 0,
                    progress: float | None = None) -> float:
    """Multiplier of the base learning rate at `step` (0-based).

    auto: a linear warm-up over `warmup` steps, then a cosine from 1 down to `min_factor`
    over the run's budget (`progress`, 0..1: see plan.py), or 1 with no budget (None).
    constant: 1.  cosine: from 1 down to `min_factor` over `horizon` steps, then stays.
    step: times `decay_gamma` every `decay_every` steps (char-rnn's learning_rate_decay).
    """
    if schedule == "auto":
        warm = min((step + 1) / warmup, 1.0) if warmup > 0 else 1.0
        if progress is None:
            return warm
        return warm * (min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math.cos(math.pi * progress)))
    if schedule == "constant":
        return 1.0
    if schedule == "cosine":
        t = min(step / max(horizon, 1), 1.0)
        return min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math.cos(math.pi * t))
    if schedule == "step":
        return decay_gamma ** (step // max(decay_every, 1))
    raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, not {schedule!r}")


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr
