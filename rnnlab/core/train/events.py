"""Plain event objects the trainer emits; the CLI prints them, the app plots them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

LN2 = math.log(2.0)


@dataclass(frozen=True)
class StepEvent:
    step: int  # optimisation steps done so far (this one included)
    loss: float  # training loss of this step, nats per char
    grad_norm: float  # global gradient norm before clipping
    lr: float
    chars_per_s: float  # recent training throughput
    chars_seen: int
    epoch: float  # passes over the training text, fractional
    name = "step"

    def to_dict(self) -> dict:
        return {"event": self.name, **asdict(self)}


@dataclass(frozen=True)
class EvalEvent:
    step: int
    val_loss: float  # nats per char
    chars_seen: int
    name = "eval"

    @property
    def val_bpc(self) -> float:
        return self.val_loss / LN2

    def to_dict(self) -> dict:
        return {"event": self.name, **asdict(self), "val_bpc": self.val_bpc}


@dataclass(frozen=True)
class WarningEvent:
    step: int
    kind: str  # "nonfinite" | "restored" | "exploding" | "out" (of a race)
    message: str
    name = "warning"

    def to_dict(self) -> dict:
        return {"event": self.name, **asdict(self)}


Event = StepEvent | EvalEvent | WarningEvent


def format_duration(seconds: float) -> str:
    """Elapsed or remaining time as H:MM:SS, for progress lines and the status bar."""
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
