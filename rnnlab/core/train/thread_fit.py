"""Choose torch's CPU thread count from the steps' own speed, and follow the machine.

More threads are faster on an idle machine, but when another process takes a core, torch's
threads wait for each other at every operation and a step can take five times as long as
with one thread fewer (benchmarks/RESULTS.md, "Threads"). So the count is measured, not
assumed: a few steps at each candidate count, then the fastest; again whenever the speed
falls well below what that count gave, and every `recheck_seconds` in case the other
process has gone.

Pure bookkeeping: the caller (the CLI's loop, the window's training thread) sets the count
between steps, because torch's thread count belongs to the whole process.
"""

from __future__ import annotations

import os
import statistics

import torch

from rnnlab.core.train.device import set_threads
from rnnlab.core.train.own_load import OWN_LOAD, OwnLoad

PROBE_STEPS = 6  # timed steps per candidate; the first step after a change is not timed
RECHECK_SECONDS = 30.0  # of training: look again for a faster count this often
SLOWER = 0.7  # the speed fell below this share of the chosen count's: measure again
BETTER = 1.05  # another count must be this much faster to replace the one in use


def candidates(cores: int | None = None) -> list[int]:
    """The thread counts worth trying, most first: all cores, half of them, one."""
    most = max(1, cores if cores is not None else (os.cpu_count() or 1))
    return sorted({most, max(1, most // 2), 1}, reverse=True)


class ThreadFit:
    def __init__(self, counts: list[int], *, probe_steps: int = PROBE_STEPS,
                 recheck_seconds: float = RECHECK_SECONDS):
        if not counts or min(counts) < 1:
            raise ValueError(f"thread counts must be 1 or more, not {counts!r}")
        self.counts = list(counts)
        self.probe_steps, self.recheck_seconds = probe_steps, recheck_seconds
        self.speeds: dict[int, float] = {}  # chars/s measured at each count, last probe
        self.chosen: int | None = None
        self.changes = 0  # how often the count was changed (for the status line and tests)
        self._queue: list[int] = []  # counts still to probe
        self._samples: list[float] = []
        self._current: int | None = None
        self._skip = 0
        self._since_check = 0.0
        self._recent: list[float] = []
        self._start_probe()

    def want(self) -> int:
        """The thread count the next step should run with."""
        return self._queue[0] if self._queue else self.chosen

    def step_done(self, chars: int, seconds: float, threads: int, *, disturbed: bool = False) -> None:
        """A training step of `chars` characters took `seconds` with `threads` threads;
        `disturbed`: other work of this process ran meanwhile (its speed says nothing)."""
        if seconds <= 0:
            return
        if disturbed:
            if not self._queue:
                self._since_check += seconds
            return
        speed = chars / seconds
        if threads != self._current:  # the first step after a change pays for the change
            self._current, self._skip = threads, 1
        if self._skip:
            self._skip -= 1
            return
        if self._queue:
            if threads == self._queue[0]:
                self._samples.append(speed)
                if len(self._samples) >= self.probe_steps:
                    self._finish_candidate()
            return
        self._since_check += seconds
        self._recent = (self._recent + [speed])[-self.probe_steps:]
        fell = (len(self._recent) == self.probe_steps
                and statistics.median(self._recent) < SLOWER * self.speeds.get(self.chosen, 0.0))
        if fell or self._since_check >= self.recheck_seconds:
            self._start_probe()

    def _start_probe(self) -> None:
        first = [self.chosen] if self.chosen is not None else []
        self._queue = first + [c for c in self.counts if c != self.chosen]
        self._samples, self._recent, self._since_check = [], [], 0.0
        self.speeds = {}

    def _finish_candidate(self) -> None:
        count = self._queue.pop(0)
        self.speeds[count] = statistics.median(self._samples)
        self._samples = []
        if self._queue:
            return
        best = max(self.speeds, key=self.speeds.get)
        keep = self.chosen
        if keep is not None and keep in self.speeds and self.speeds[best] < BETTER * self.speeds[keep]:
            best = keep
        if best != self.chosen:
            self.changes += self.chosen is not None
            self.chosen = best


class FittedThreads:
    """A ThreadFit applied to torch's thread count: call after_step(trainer) in the
    training thread after each step. Steps that overlap work in `load` are not measured."""

    def __init__(self, fit: ThreadFit, load: OwnLoad = OWN_LOAD):
        self.fit, self.load = fit, load
        torch.set_num_threads(fit.want())
        self._mark = load.mark()

    def after_step(self, trainer) -> None:
        chars, seconds = trainer.last_step
        disturbed = not self.load.quiet_since(self._mark)
        self._mark = self.load.mark()
        self.fit.step_done(chars, seconds, torch.get_num_threads(), disturbed=disturbed)
        if self.fit.want() != torch.get_num_threads():
            torch.set_num_threads(self.fit.want())


def fit_threads(setting: int, device: torch.device) -> FittedThreads | None:
    """For a training loop that owns the process's threads: `setting` threads (0: measured
    and followed, returned as a FittedThreads to call after each step; None otherwise).
    On a GPU the CPU threads hardly matter: torch's default."""
    if setting or device.type != "cpu":
        set_threads(setting)
        return None
    return FittedThreads(ThreadFit(candidates(os.cpu_count())))
