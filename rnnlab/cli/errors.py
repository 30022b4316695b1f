"""Which exceptions are the user's mistakes (shown as one line) rather than bugs."""

from rnnlab.core.checkpoint import CheckpointError
from rnnlab.core.corpus import CorpusError
from rnnlab.core.device import DeviceError
from rnnlab.core.sampler import SamplerError


class UsageError(Exception):
    """Options that cannot go together, or a value out of range."""


# ValueError covers bad settings rejected by ModelConfig / TrainConfig validation.
USER_ERRORS = (CorpusError, CheckpointError, SamplerError, DeviceError, ValueError, OSError)
