"""StallWatch: which threads were doing what while the GUI thread ran late.

A thread samples every thread's Python stack every few milliseconds (keeping the last
few seconds). After a run, `explain(late_ticks)` prints, for each tick of the latency
probe that came later than a threshold, the stacks sampled just before and during the
stall. A stall with no sample inside it means one thread held the GIL for all of it (a
long C call): the sample just before names that call.

    watch = StallWatch(); watch.start()
    ... run with a bench_gui.LatencyProbe ...
    watch.stop(); watch.explain(probe.ticks(), threshold_ms=50)
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback


class StallWatch:
    def __init__(self, every_s: float = 0.003, keep_s: float = 600.0, depth: int = 4):
        self.every, self.depth = every_s, depth
        self.samples: collections.deque = collections.deque(maxlen=int(keep_s / every_s))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.every):
            names = {t.ident: t.name for t in threading.enumerate()}
            stacks = {names.get(ident, str(ident)): [f"{f.name}:{f.lineno}" for f in
                                                     traceback.extract_stack(frame)[-self.depth:]]
                      for ident, frame in sys._current_frames().items() if ident != me}
            self.samples.append((time.perf_counter(), stacks))

    def explain(self, ticks: list[tuple[float, float]], threshold_ms: float = 50, interval_ms: float = 5,
                limit: int = 20) -> None:
        """ticks: (perf_counter at the tick, lateness in ms). Prints the worst `limit` stalls."""
        worst = sorted((t for t in ticks if t[1] > threshold_ms), key=lambda t: -t[1])[:limit]
        for at, late in sorted(worst):
            began = at - (late + interval_ms) / 1000
            before = [s for s in self.samples if s[0] < began][-1:]
            inside = [s for s in self.samples if began <= s[0] <= at]
            print(f"stall of {late:.0f} ms ending at {at:.3f}; {len(inside)} samples inside")
            for when, stacks in before + inside[:3]:
                for name, stack in stacks.items():
                    print(f"   {when - began:+.3f} s {name}: {' > '.join(stack)}")
