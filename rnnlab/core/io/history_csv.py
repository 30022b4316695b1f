"""The loss history as CSV: one row per training step, for a spreadsheet or a plot script.

    step,chars_seen,train_loss,val_loss,lr
    0,0,,4.1589...,            <- a validation pass before the first step: no train_loss
    1,1024,4.1743...,,2e-05    <- no validation pass at this step: val_loss empty
    500,512000,1.9021...,1.9874...,0.00193...

Losses are in nats per character (divide by ln 2 for bits), written as exact floats; lr is
the step's learning rate (empty in runs saved before it was recorded).
chars_seen counts the training characters read up to and including that step. Written
atomically; a failure raises SaveError with a message for the user.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.train.trainer import History

HISTORY_COLUMNS = ("step", "chars_seen", "train_loss", "val_loss", "lr")


def history_rows(history: History) -> list[tuple[int, int, float | None, float | None, float | None]]:
    """(step, chars_seen, train_loss, val_loss, lr) per step in step order; a validation
    pass at a step with no training loss (step 0) gets a row of its own with train_loss
    and lr None."""
    n = len(history.train_loss)
    vals = dict(history.evals)  # a pass repeated at one step gives the same number
    steps = sorted(set(range(1, n + 1)) | vals.keys())
    chars = history.chars_at(steps).tolist()
    lrs = history.lrs
    return [(s, c, history.train_loss[s - 1] if 1 <= s <= n else None, vals.get(s),
             lrs[s - 1] if 1 <= s <= len(lrs) and math.isfinite(lrs[s - 1]) else None)
            for s, c in zip(steps, chars)]


def history_csv(history: History) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for step, chars, train, val, lr in history_rows(history):
        writer.writerow((step, chars, _num(train), _num(val), _num(lr)))
    return out.getvalue()


def write_history_csv(path: str | os.PathLike, history: History) -> Path:
    return atomic_write(path, history_csv(history).encode("utf-8"))


def _num(v: float | None) -> str:
    return "" if v is None else repr(float(v))  # repr: the exact float, read back unchanged


