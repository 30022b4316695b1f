"""Training settings, validated where they are made."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rnnlab.core.train.device import DEVICES
from rnnlab.core.train.optim import OPTIMIZERS, SCHEDULES
from rnnlab.core.train.precision import PRECISIONS


@dataclass(frozen=True)
class TrainConfig:
    batch: int = 32  # parallel streams B
    seq: int = 64  # BPTT window S
    lr: float = 2e-3
    optimizer: str = "adam"
    schedule: str = "auto"  # warm-up, then a cosine to the end of the run's budget (plan.py)
    warmup_steps: int = 100  # auto: steps of linear warm-up from the first step
    final_lr: float = 0.05  # auto and cosine: the floor, as a fraction of the base rate
    schedule_steps: int = 10_000  # cosine: steps from full lr to the floor
    decay_every: int = 1_000  # step schedule: multiply by decay_gamma this often
    decay_gamma: float = 0.5
    clip: float = 5.0  # max gradient norm; 0 = no clipping
    carry_hidden: bool = True  # char-rnn style; False = every window starts from a zero state
    weight_decay: float = 0.0
    momentum: float = 0.9  # sgd only
    seed: int = 1234
    eval_every: int = 500  # steps between validation passes; 0 = only when asked
    eval_max_chars: int = 1_000_000  # validation uses at most this many characters
    device: str = "auto"
    threads: int = 0  # torch CPU threads; 0 = measured while training (thread_fit.py)
    precision: str = "auto"  # fp32, bf16, or auto: bf16 only where it measured better (precision.py)

    def __post_init__(self):
        checks = [
            (self.batch >= 1, f"batch must be at least 1, not {self.batch}"),
            (self.seq >= 1, f"sequence length must be at least 1, not {self.seq}"),
            (self.lr > 0, f"learning rate must be positive, not {self.lr}"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (self.schedule in SCHEDULES, f"schedule must be one of {', '.join(SCHEDULES)}"),
            (self.warmup_steps >= 0, f"warm-up steps must be 0 or more, not {self.warmup_steps}"),
            (0 <= self.final_lr <= 1, f"final_lr is a fraction of the rate, in [0, 1], not {self.final_lr}"),
            (self.clip >= 0, f"clip must be 0 (off) or positive, not {self.clip}"),
            (self.eval_every >= 0, f"eval_every must be 0 or positive, not {self.eval_every}"),
            (self.eval_max_chars >= 2, "eval_max_chars must be at least 2"),
            (0 < self.decay_gamma <= 1, f"decay_gamma must be in (0, 1], not {self.decay_gamma}"),
            (self.device in DEVICES or self.device.startswith("cuda:"),
             f"device must be one of {', '.join(DEVICES)}, not {self.device!r}"),
            (self.threads >= 0, f"threads must be 0 (default) or positive, not {self.threads}"),
            (self.precision in PRECISIONS, f"precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
