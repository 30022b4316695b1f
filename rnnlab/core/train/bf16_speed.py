"""Whether bf16 autocast makes a training step faster on this CPU: timed once, kept on disk.

oneDNN's "native bf16" flag is not enough to go by: with the same flag (avx512_bf16, no AMX)
the 1x512 GRU trained 2x faster in bf16 on an AMD EPYC and 0.6x as fast on an Intel Xeon
(benchmarks/RESULTS.md, "bf16 timed, not assumed"). So a small step of that GRU is timed in
both precisions, interleaved, and bf16 counts as paying only when it is clearly faster. The
answer is kept in rnnlab's cache folder, keyed by the CPU and torch version, so the app and
the CLI do not pay the second this takes at every start.
"""

from __future__ import annotations

import json
import platform
import time
from functools import cache
from pathlib import Path

import torch

from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.paths import machine_cache_dir

SPEEDUP_NEEDED = 1.2  # bf16 rounds every step: it must buy clearly more steps to pay
CACHE_NAME = "bf16_speed.json"
PROBE_MODEL = ModelConfig(vocab_size=65, cell="gru", hidden=512, layers=1, embedding=32)
PROBE_BATCH, PROBE_SEQ, PROBE_REPS = 32, 32, 3


def cpu_name() -> str:
    """The CPU's model name where the platform tells it (Linux's /proc/cpuinfo), else what
    `platform` knows (Windows names the family and model; macOS says arm or i386)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key() -> str:
    return f"{cpu_name()} | {torch.backends.cpu.get_cpu_capability()} | torch {torch.__version__}"


def time_speedup(reps: int = PROBE_REPS) -> float:
    """fp32 step time over bf16 step time for a small step of the probe GRU (best of `reps`,
    interleaved so that a busy moment hits both alike)."""
    with torch.random.fork_rng(devices=[]):  # the process's own random state is left as it was
        torch.manual_seed(0)
        model = CharRNN(PROBE_MODEL)
        idx = torch.randint(0, PROBE_MODEL.vocab_size, (PROBE_BATCH, PROBE_SEQ))

    def step(bf16: bool) -> float:
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, _ = model(idx)
        logits.float().logsumexp(-1).mean().backward()
        return time.perf_counter() - start

    best = {False: float("inf"), True: float("inf")}
    for round_ in range(reps + 1):
        for bf16 in (False, True):
            seconds = step(bf16)
            if round_:  # the first round builds oneDNN's kernels: not counted
                best[bf16] = min(best[bf16], seconds)
    return best[False] / best[True]


def cache_path() -> Path:
    return machine_cache_dir() / CACHE_NAME


def _kept(path: Path) -> dict:
    """Every machine's speed-up in the file; {} when there is none or it is unreadable."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def read_cached(path: Path, key: str) -> float | None:
    """The speed-up kept for this machine, or None (no file, another machine's, unreadable)."""
    value = _kept(path).get(key)
    return float(value) if isinstance(value, (int, float)) and value >= 0 else None


def write_cached(path: Path, key: str, speedup: float) -> None:
    """Keep the speed-up beside other machines' (a shared home folder); a folder that cannot
    be written only means timing again at the next start."""
    kept = {**_kept(path), key: round(speedup, 3)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(kept, indent=1).encode("utf-8"))
    except OSError:  # atomic_write's SaveError is one
        pass


def bf16_speedup(path: Path | None = None, measure=time_speedup) -> float:
    """How much faster a bf16 step is here: kept, or timed now and kept."""
    path = path if path is not None else cache_path()
    key = machine_key()
    kept = read_cached(path, key)
    if kept is not None:
        return kept
    try:
        speedup = measure()
    except RuntimeError:  # a torch build whose CPU autocast lacks a kernel: fp32 then
        speedup = 0.0
    write_cached(path, key, speedup)
    return speedup


@cache
def bf16_pays_here() -> bool:
    """Once per process: is bf16 clearly faster than fp32 on this CPU (the caller has checked
    that the CPU runs bf16 natively at all)?"""
    return bf16_speedup() >= SPEEDUP_NEEDED
