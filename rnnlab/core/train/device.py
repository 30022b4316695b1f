"""Choosing where training runs: device and CPU thread count."""

from __future__ import annotations

import os

import torch

DEVICES = ("auto", "cpu", "cuda", "mps")


class DeviceError(ValueError):
    """The requested device is not usable on this machine."""


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def available_devices() -> list[str]:
    """Concrete devices this machine can train on, CPU first."""
    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    if _mps_available():
        found.append("mps")
    return found


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' is CUDA when available, else CPU (MPS only when asked for by name)."""
    if name not in DEVICES and not name.startswith("cuda:"):
        raise DeviceError(f"device must be one of {', '.join(DEVICES)}, not {name!r}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError("CUDA was requested but this machine has no usable CUDA GPU; use --device cpu")
    if name == "mps" and not _mps_available():
        raise DeviceError("MPS was requested but is not available here; use --device cpu")
    return torch.device(name)


def set_threads(threads: int) -> int:
    """Set torch's intra-op CPU threads (0 = leave torch's default). Returns the count in use."""
    if threads < 0:
        raise DeviceError(f"threads must be 0 (default) or positive, not {threads}")
    if threads:
        torch.set_num_threads(min(threads, os.cpu_count() or threads))
    return torch.get_num_threads()
