"""Which exceptions are the user's mistakes (shown as one line) rather than bugs."""

from rnnlab.core.data.corpus import CorpusError
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.nn.sampler import SamplerError
from rnnlab.core.train.device import DeviceError


class UsageError(Exception):
    """Options that cannot go together, or a value out of range."""


# ValueError covers bad settings rejected by ModelConfig / TrainConfig validation.
USER_ERRORS = (CorpusError, CheckpointError, SamplerError, DeviceError, ValueError, OSError)
