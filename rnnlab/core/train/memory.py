"""Will this model train in this computer's memory? Asked before any weight is allocated.

A model far too large for memory must not be built at all: allocating its layers one by
one succeeds until the pages are touched, and then the operating system kills the whole
app. So the trainer estimates what training needs and refuses, with numbers, when that is
more than the memory available now.

    weights + gradients + Adam's two moments      4 copies of the parameters (float32)
    activations kept for back-propagation          ~ batch x seq x layers x hidden x (gates + 2)
    logits, their softmax and gradient             3 x batch x seq x vocab
"""

from __future__ import annotations

import psutil

from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.train.config import TrainConfig

FLOAT_BYTES = 4
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}
HEADROOM = 0.9  # use at most this share of the available memory


class ModelTooLargeError(ValueError):
    """The model would not fit in memory; the message gives both sizes."""


def training_bytes(model: ModelConfig, train: TrainConfig) -> int:
    """An estimate (from above) of the memory one training step needs."""
    params = count_parameters(model)
    tokens = train.batch * train.seq
    activations = tokens * model.layers * model.hidden * (_GATES[model.cell] + 2)
    logits = 3 * tokens * model.vocab_size
    return FLOAT_BYTES * (4 * params + activations + logits + tokens * model.input_size)


def available_bytes() -> int | None:
    """Memory available to this process now (psutil: MemAvailable on Linux, the free and
    reclaimable pages on macOS and Windows), or None if the system will not say."""
    try:
        return int(psutil.virtual_memory().available)
    except (OSError, RuntimeError, AttributeError):
        return None


def check_fits(model: ModelConfig, train: TrainConfig, available: int | None = None) -> None:
    """Raise ModelTooLargeError when training `model` would not fit in the memory available."""
    available = available_bytes() if available is None else available
    need = training_bytes(model, train)
    if available is not None and need > HEADROOM * available:
        raise ModelTooLargeError(
            f"this model would need about {_gb(need)} of memory to train "
            f"({count_parameters(model):,} parameters, with their gradients and optimizer state), "
            f"and {_gb(available)} is free: choose fewer layers or units, or a smaller batch")


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"
