"""OwnLoad: tells the thread-count measurement when this process's other work runs.

The window writes samples and searches the text on threads of its own while training
runs. A step that overlaps such work is slower for a reason that passes in a second, so
thread_fit must not judge a thread count by it: with a sample written during the probe of
two threads, the window chose one thread for the rest of the run and trained at ~0.6x the
CLI's speed (benchmarks/RESULTS.md, "The window against the CLI at their defaults").

Process-wide, as torch's thread count is: whatever runs beside training wraps its work in
`with OWN_LOAD.running():`, and the training loop asks, after each step, whether the
process was quiet since it last looked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OwnLoad:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0  # pieces of work running now
        self._changes = 0  # starts and ends so far: a change means work came or went

    @contextmanager
    def running(self) -> Iterator[None]:
        """Around work that takes CPU from training (any thread)."""
        with self._lock:
            self._running += 1
            self._changes += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._changes += 1

    def mark(self) -> int:
        """A mark to pass to quiet_since() later."""
        with self._lock:
            return self._changes

    def quiet_since(self, mark: int) -> bool:
        """True if no such work ran at any time since mark() gave `mark`."""
        with self._lock:
            return self._running == 0 and self._changes == mark


OWN_LOAD = OwnLoad()
