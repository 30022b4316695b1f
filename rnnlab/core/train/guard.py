"""The training guard: what to do when a step goes wrong.

- A non-finite loss or gradient: skip the step (weights untouched) and warn.
- Three such steps in a row: restore the last good weights and halve the learning rate.
- A loss above 3x the first loss: pause with a warning (char-rnn aborts; we pause, so the
  user can lower the learning rate and resume).
Keeping "last good weights" costs one copy of the model and optimizer state every
`snapshot_every` good steps; that copy is also what a restore goes back to.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from enum import Enum

import torch


class Verdict(Enum):
    OK = "ok"
    SKIP = "skip"  # non-finite: do not apply this step
    RESTORE = "restore"  # too many non-finite steps in a row: go back to the snapshot
    EXPLODING = "exploding"  # finite but far above the first loss: pause


@dataclass
class Guard:
    explode_factor: float = 3.0
    max_bad_in_row: int = 3
    snapshot_every: int = 50
    first_loss: float | None = None
    bad_in_row: int = 0

    def judge(self, loss: float, grad_norm: float) -> Verdict:
        if not (math.isfinite(loss) and math.isfinite(grad_norm)):
            self.bad_in_row += 1
            if self.bad_in_row >= self.max_bad_in_row:
                self.bad_in_row = 0
                return Verdict.RESTORE
            return Verdict.SKIP
        self.bad_in_row = 0
        if self.first_loss is None:
            self.first_loss = loss
        if loss > self.explode_factor * self.first_loss:
            return Verdict.EXPLODING
        return Verdict.OK

    def state(self) -> dict:
        return {"first_loss": self.first_loss, "bad_in_row": self.bad_in_row}

    def load_state(self, state: dict) -> None:
        self.first_loss = state.get("first_loss")
        self.bad_in_row = int(state.get("bad_in_row", 0))


class Snapshot:
    """A copy of model and optimizer state to fall back to."""

    def __init__(self):
        self._model: dict | None = None
        self._optim: dict | None = None

    @property
    def empty(self) -> bool:
        return self._model is None

    def take(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
        self._model = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self._optim = copy.deepcopy(optimizer.state_dict())

    def restore(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> bool:
        if self._model is None:
            return False
        model.load_state_dict(self._model)
        optimizer.load_state_dict(copy.deepcopy(self._optim))
        return True
