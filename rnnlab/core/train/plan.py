"""A run's learning-rate plan: how far through its budget training is.

With the "auto" schedule the learning rate warms up over the first steps, then follows a
cosine from the base rate down to a floor at the end of the budget (steps, seconds or
epochs) the run was started with. A run with no budget (trained until stopped) has no plan:
after the warm-up its rate stays at the base rate. The plan is saved with the run, so an
interrupted run resumes on the same curve.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("steps", "seconds", "epochs")


@dataclass(frozen=True)
class Plan:
    kind: str  # what the budget counts: steps, seconds (of training) or epochs
    amount: float  # how many, from the start
    start_step: int
    start_seconds: float
    start_epoch: float

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"a plan's budget counts one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.amount > 0:
            raise ValueError(f"a plan's budget must be positive, not {self.amount!r}")

    def spent(self, step: int, seconds: float, epoch: float) -> float:
        """How much of the budget is spent, in its own unit."""
        return {"steps": step - self.start_step, "seconds": seconds - self.start_seconds,
                "epochs": epoch - self.start_epoch}[self.kind]

    def progress(self, step: int, seconds: float, epoch: float) -> float:
        """0 at the start, 1 at (and after) the end of the budget."""
        return min(max(self.spent(step, seconds, epoch) / self.amount, 0.0), 1.0)

    def remaining(self, step: int, seconds: float, epoch: float) -> float:
        return max(self.amount - self.spent(step, seconds, epoch), 0.0)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Plan:
        return cls(str(d["kind"]), float(d["amount"]), int(d["start_step"]), float(d["start_seconds"]),
                   float(d["start_epoch"]))
