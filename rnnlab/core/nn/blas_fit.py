"""How many BLAS threads the sampler's numpy steps take when nothing else in the process
needs the cores (`rnnlab sample`): measured while sampling, as training's threads are.

Each character's matrix-vector products read every weight once; with the rows split over
two cores, each core's share stays in its own cache (LSTM 2x256: 3 MB of weights, 109 us a
character on one thread, 52 us on two; benchmarks/RESULTS.md, "Sampling on two threads").
The split is by rows, so the text is the same whatever the count. When another program
takes a core, two threads can be slower than one: so the count is chosen by timing stretches
of characters, and timed again every few seconds (thread_fit.ThreadFit does the choosing).
The window keeps one thread (fast_step.use_one_blas_thread): training needs the cores there.
"""

from __future__ import annotations

import os

from rnnlab.core.nn.fast_step import set_blas_threads
from rnnlab.core.train.thread_fit import ThreadFit, candidates

CHUNK = 64  # characters timed together: one timing covers ~5 ms
PROBE_CHUNKS = 4  # timed chunks per candidate count
RECHECK_SECONDS = 2.0  # of sampling: time the counts again this often


class FittedBlas:
    """Call chunk_done(chars, seconds) after each CHUNK characters; close() at the end
    gives the process back its one BLAS thread."""

    def __init__(self, counts: list[int] | None = None):
        self.fit = ThreadFit(counts or candidates(os.cpu_count()), probe_steps=PROBE_CHUNKS,
                             recheck_seconds=RECHECK_SECONDS)
        self.threads = self.fit.want()
        set_blas_threads(self.threads)

    def chunk_done(self, chars: int, seconds: float) -> None:
        self.fit.step_done(chars, seconds, self.threads)
        if self.fit.want() != self.threads:
            self.threads = self.fit.want()
            set_blas_threads(self.threads)

    def close(self) -> None:
        set_blas_threads(1)
