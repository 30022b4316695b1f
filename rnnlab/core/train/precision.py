"""Which number format a step computes in: fp32, or bfloat16 autocast where it pays.

Weights, optimizer state and checkpoints stay fp32; with bf16 the forward pass runs under
torch.autocast and the loss is taken in fp32. On a CPU, bf16 can only be fast with native
bf16 instructions (x86 avx512_bf16 or AMX; oneDNN says whether it has them), and even then
it is not always faster (bf16_speed.py times it). "auto" takes bf16 only on a CPU where it
is timed faster and only for the sizes where it reached a lower validation loss in the same
time (benchmarks/RESULTS.md, "Precision"), fp32 elsewhere; on CUDA, bf16 autocast where the
GPU supports it.
"""

from __future__ import annotations

import torch

from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.bf16_speed import bf16_pays_here
from rnnlab.core.train.device import DeviceError

PRECISIONS = ("auto", "fp32", "bf16")
BF16_MIN_HIDDEN = 384  # auto on a CPU: bf16 from this many units a layer (measured)


def cpu_has_native_bf16() -> bool:
    """True when oneDNN runs bf16 natively on this CPU (not emulated)."""
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN's check
        return False


def bf16_pays_on_cpu() -> bool:
    """Native bf16, and timed faster than fp32 on this CPU."""
    return cpu_has_native_bf16() and bf16_pays_here()


def resolve_precision(name: str, device: torch.device, model: ModelConfig) -> str:
    """The precision a trainer uses: "fp32" or "bf16". Raises DeviceError when bf16 is asked
    for by name where it would only be emulated."""
    if name not in PRECISIONS:
        raise DeviceError(f"precision must be one of {', '.join(PRECISIONS)}, not {name!r}")
    if name == "fp32":
        return "fp32"
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    native = device.type == "cpu" and cpu_has_native_bf16()
    if name == "bf16":
        if not native:
            raise DeviceError("bf16 needs a CPU with native bf16 (avx512_bf16 or AMX); here it would "
                              "only be emulated and slower: use --precision fp32 or auto")
        return "bf16"
    return "bf16" if model.hidden >= BF16_MIN_HIDDEN and bf16_pays_on_cpu() else "fp32"


def autocast(device: torch.device, precision: str):
    """The context a forward pass runs in."""
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=precision == "bf16")
