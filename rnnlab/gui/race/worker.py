"""RaceWorker: runs a core Race in a QThread and reports each contender's progress, throttled.

    loop: race.step() -> (contender k, its events) -> pending points for k
          every METRICS_INTERVAL: metrics([{run, steps, seconds, chars, losses}, ...])
          when contender k has trained another EVAL_SECONDS: evaluated(k, val loss, ...)

Validation is timed by each contender's own training time, so with "equal time" the
contenders are measured at the same moments of the race and their points line up. The
time spent validating is not training time: it does not tip the fairness.

Controls are thread-safe flags read between steps (see training_worker.py for why).
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from rnnlab.core import logs
from rnnlab.core.nn.copy_score import is_copy_task, score_copy
from rnnlab.core.train.events import StepEvent, WarningEvent
from rnnlab.core.train.race import Race
from rnnlab.gui.workers.training_worker import IDLE_POLL, METRICS_INTERVAL

EVAL_SECONDS = 10.0  # s of each contender's training between validation passes (each costs ~3%)


class RaceWorker(QObject):
    metrics = Signal(object)  # list of dicts: run, steps, seconds, chars, losses (np arrays)
    evaluated = Signal(int, object)  # run, dict: step, seconds, chars, val_loss (+ copy: the copy task's scores)
    warned = Signal(int, str, str)  # run, kind, message
    state_changed = Signal(str)  # "running" | "paused"
    failed = Signal(str)
    finished = Signal(str)  # "budget" | "stopped" | "out" | "error"

    def __init__(self, race: Race, max_seconds: float, *, eval_seconds: float = EVAL_SECONDS,
                 eval_chars: int = 30_000):
        super().__init__()  # no parent: it is moved to its own thread
        self.race = race
        self.lock = threading.Lock()  # held during a step; take it to read consistent weights
        self._max_seconds, self._eval_seconds, self._eval_chars = max_seconds, eval_seconds, eval_chars
        self._next_eval = [eval_seconds] * len(race.trainers)
        self._stop, self._paused, self._wake = threading.Event(), threading.Event(), threading.Event()
        self._pending: dict[int, list[tuple[StepEvent, float]]] = {}
        self._last_flush = 0.0
        self._copy_task = is_copy_task(race.corpus)  # then each validation also scores the copying

    # ----- called from the GUI thread -----
    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()
        self._wake.set()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def snapshot_models(self) -> list:
        """CPU copies of every contender's current weights, taken between steps."""
        with self.lock:
            return [t.snapshot_model() for t in self.race.trainers]

    # ----- the loop, in the worker thread -----
    @Slot()
    def run(self) -> None:
        try:
            reason = self._loop()
            self._flush()
            if reason != "stopped":
                self._evaluate_all()  # the final standings: every contender's last weights
        except Exception as exc:  # noqa: BLE001 - every error must reach the window
            self._flush()
            self.failed.emit(logs.unexpected("race stopped", exc))
            reason = "error"
        self.finished.emit(reason)

    def _loop(self) -> str:
        state = None
        with self.lock:
            self.race.plan_budget(max_seconds=self._max_seconds)
        while not self._stop.is_set():
            now_state = "paused" if self.paused else "running"
            if now_state != state:
                state = now_state
                self._flush()
                self.state_changed.emit(state)
            if self.paused:
                self._flush()
                self._wake.wait(IDLE_POLL)
                self._wake.clear()
                continue
            if self.race.train_seconds >= self._max_seconds:
                return "budget"
            with self.lock:
                turn = self.race.step()
            if turn is None:
                return "out"
            self._handle(*turn)
            if time.monotonic() - self._last_flush >= METRICS_INTERVAL:
                self._flush()
        return "stopped"

    def _handle(self, index: int, events) -> None:
        trainer = self.race.trainers[index]
        for event in events:
            if isinstance(event, StepEvent):
                self._pending.setdefault(index, []).append((event, trainer.train_seconds))
            elif isinstance(event, WarningEvent):
                self._flush()
                self.warned.emit(index, event.kind, event.message)
        if trainer.train_seconds >= self._next_eval[index]:
            self._next_eval[index] = trainer.train_seconds + self._eval_seconds
            self._flush()
            self._evaluate(index)

    def _evaluate(self, index: int) -> None:
        trainer = self.race.trainers[index]
        with self.lock:
            event = trainer.evaluate(self._eval_chars)
            copy = score_copy(trainer.model, self.race.corpus) if self._copy_task else None
        point = {"step": event.step, "seconds": trainer.train_seconds, "chars": event.chars_seen,
                 "val_loss": event.val_loss}
        self.evaluated.emit(index, {**point, **({"copy": copy.to_dict()} if copy else {})})

    def _evaluate_all(self) -> None:
        for index, trainer in enumerate(self.race.trainers):
            evals = trainer.history.evals
            if trainer.step_count and not (evals and evals[-1][0] == trainer.step_count):
                self._evaluate(index)

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self.metrics.emit([{
            "run": index,
            "steps": np.array([e.step for e, _ in points], dtype=np.int64),
            "seconds": np.array([s for _, s in points], dtype=np.float64),
            "chars": np.array([e.chars_seen for e, _ in points], dtype=np.int64),
            "losses": np.array([e.loss for e, _ in points], dtype=np.float64),
        } for index, points in pending.items()])
