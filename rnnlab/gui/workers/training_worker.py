"""TrainingWorker: runs Trainer.step() in a QThread and reports to the window, throttled.

Controls (pause, resume, one step, stop, learning rate, probe text) are plain thread-safe
flags read between steps: the loop never returns to the thread's event loop while it
runs, so queued slots would not be delivered until it ended.
"""

from __future__ import annotations

import os
import threading
import time
import weakref

import numpy as np
import torch
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from rnnlab.core import logs
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.probe import probe
from rnnlab.core.train.device import set_threads
from rnnlab.core.train.events import EvalEvent, StepEvent, WarningEvent
from rnnlab.core.train.thread_fit import FittedThreads, fit_threads
from rnnlab.core.train.trainer import Trainer

METRICS_INTERVAL = 0.1  # s: at most 10 metric batches a second (each costs the GUI thread, and the GIL)
PROBE_INTERVAL = 0.25  # s: at most 4 heatmap snapshots a second...
PROBE_SHARE = 0.08  # ...and at most this share of the training time (a probe of a 2x128
#                     LSTM over 120 chars costs ~5-10 ms on one core, so 4 a second fit)
GRADIENT_INTERVAL = 1.0  # s: gradient flow through time at most once a second, only while
GRADIENT_SHARE = 0.05  # its view is shown, and at most this share of the training time
IDLE_POLL = 0.05  # s: how often a paused loop looks at its flags


class TrainingWorker(QObject):
    metrics = Signal(object)  # dict: steps, losses, grad_norms, chars (np arrays) + "last" StepEvent
    evaluated = Signal(object)  # EvalEvent
    warned = Signal(str, str)  # kind, message
    probed = Signal(object)  # rnnlab.core.nn.probe.ProbeResult
    gradients = Signal(object)  # list per layer of ||dloss/dh_t|| (T,), rnnlab.core.nn.gradient_flow.gradient_flow
    state_changed = Signal(str)  # "running" | "paused"
    failed = Signal(str)
    finished = Signal(str)  # "budget" | "stopped" | "error"

    def __init__(self, trainer: Trainer, *, max_steps: int | None = None,
                 max_seconds: float | None = None, probe_text: str = "",
                 lock: threading.Lock | None = None):
        super().__init__()  # no parent: it is moved to its own thread
        self.trainer = trainer
        # held during a step; take it to read consistent weights (the session shares one
        # lock among its workers, so a copy can be taken without asking which one runs)
        self.lock = lock if lock is not None else threading.Lock()
        self._max_steps, self._max_seconds = max_steps, max_seconds
        self._stop = threading.Event()
        self._step_once = threading.Event()
        self._wake = threading.Event()
        self._probe_text = probe_text
        self._probe_dirty = True
        self._pending: list[StepEvent] = []
        self._last_flush = self._last_probe = 0.0
        self._probe_interval = PROBE_INTERVAL
        self._wants_gradients = False
        self._gradients_dirty = True
        self._last_gradients = 0.0
        self._gradient_interval = GRADIENT_INTERVAL
        self.threads: FittedThreads | None = None  # set by start_training_thread for "auto"

    # ----- called from the GUI thread -----
    def pause(self) -> None:
        self.trainer.pause()

    def resume(self) -> None:
        self.trainer.resume()
        self._wake.set()

    def request_step(self) -> None:
        """One optimisation step (while paused)."""
        self._step_once.set()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def set_lr(self, lr: float) -> None:
        self.trainer.set_lr(lr)

    def set_probe_text(self, text: str) -> None:
        self._probe_text = text
        self._probe_dirty = True
        self._wake.set()

    def set_wants_gradients(self, wanted: bool) -> None:
        """Compute the gradient flow only while someone looks at it (it costs a backward pass)."""
        self._wants_gradients = wanted
        self._gradients_dirty = True
        self._wake.set()

    # ----- the loop, in the worker thread -----
    @Slot()
    def run(self) -> None:
        try:
            reason = self._loop()
        except Exception as exc:  # noqa: BLE001 - every error must reach the window
            self._flush()
            self.failed.emit(logs.unexpected("training stopped", exc))
            reason = "error"
        self._flush()
        self.finished.emit(reason)

    def _loop(self) -> str:
        t = self.trainer
        steps0, seconds0 = t.step_count, t.train_seconds
        with self.lock:  # the learning rate plans for this budget (none: after its warm-up, flat)
            if self._max_steps is not None:
                t.plan_budget("steps", self._max_steps)
            else:
                t.plan_budget(None if self._max_seconds is None else "seconds", self._max_seconds)
        state = None
        while not self._stop.is_set():
            now_state = "paused" if t.paused else "running"
            if now_state != state:
                state = now_state
                self._flush()
                self.state_changed.emit(state)
            if (self._max_steps is not None and t.step_count - steps0 >= self._max_steps) or (
                    self._max_seconds is not None and t.train_seconds - seconds0 >= self._max_seconds):
                return "budget"
            single = self._step_once.is_set()
            if t.paused and not single:
                self._idle()
                continue
            self._step_once.clear()
            with self.lock:
                events = t.step()
            if self.threads is not None and any(isinstance(e, StepEvent) for e in events):
                self.threads.after_step(t)  # between steps, in the thread that steps
            self._handle(events)
            self._maybe_report(force=single)
        return "stopped"

    def _idle(self) -> None:
        self._flush()
        if self._probe_dirty:
            self._probe()
        if self._wants_gradients and self._gradients_dirty:
            self._gradients()
        self._wake.wait(IDLE_POLL)
        self._wake.clear()

    def _handle(self, events) -> None:
        for event in events:
            if isinstance(event, StepEvent):
                self._pending.append(event)
            elif isinstance(event, EvalEvent):
                self._flush()
                self.evaluated.emit(event)
            elif isinstance(event, WarningEvent):
                self._flush()
                self.warned.emit(event.kind, event.message)
        self._probe_dirty = self._gradients_dirty = True

    def _maybe_report(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_flush >= METRICS_INTERVAL:
            self._flush()
        if force or now - self._last_probe >= self._probe_interval:
            self._probe()
        if self._wants_gradients and (force or now - self._last_gradients >= self._gradient_interval):
            self._gradients()

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self.metrics.emit({
            "steps": np.array([e.step for e in batch], dtype=np.int64),
            "losses": np.array([e.loss for e in batch], dtype=np.float64),
            "grad_norms": np.array([e.grad_norm for e in batch], dtype=np.float64),
            "chars": np.array([e.chars_seen for e in batch], dtype=np.int64),
            "lrs": np.array([e.lr for e in batch], dtype=np.float64),
            "last": batch[-1],
        })

    def _probe(self) -> None:
        started = time.monotonic()
        self._last_probe = started
        self._probe_dirty = False
        text = self._probe_text
        vocab = self.trainer.corpus.vocab
        if not text or (vocab.unknown_id is None and vocab.missing(text)):
            return
        self.probed.emit(probe(self.trainer.model, vocab, text))
        cost = time.monotonic() - started
        self._probe_interval = max(PROBE_INTERVAL, cost / PROBE_SHARE)


    def _gradients(self) -> None:
        started = time.monotonic()
        self._last_gradients = started
        self._gradients_dirty = False
        t = self.trainer
        windows = gradient_windows(t.corpus.val, t.config.seq)
        if windows.size:
            self.gradients.emit(gradient_flow(t.model, windows))
        self._gradient_interval = max(GRADIENT_INTERVAL, (time.monotonic() - started) / GRADIENT_SHARE)


_training_threads: weakref.WeakSet = weakref.WeakSet()  # every one started, alive or not


def others_training() -> bool:
    """True while a training thread of this process (the window's, a race's) still runs."""
    alive = False
    for thread in list(_training_threads):
        try:
            alive = alive or thread.isRunning()
        except RuntimeError:  # its C++ side is gone: it has ended
            pass
    return alive


def start_training_thread(worker: QObject, name: str = "rnnlab-training", threads: int = 0) -> QThread:
    """Move `worker` (a TrainingWorker, or anything with run/finished/stop) to a new
    thread and start its loop there. `threads` sets torch's CPU threads in that thread (0: a
    TrainingWorker measures and follows the fastest count, thread_fit.py; anything else, a
    race, takes every core); not while another training thread runs, whose speed would
    change under it."""
    alone = not others_training()

    def set_threads_here() -> None:
        # torch's thread count is the calling thread's own (OpenMP), so it is set in the
        # thread that trains; every other thread keeps one (gui_threads.py).
        if not alone:
            return
        if isinstance(worker, TrainingWorker) and not threads:  # one model: its steps' speed picks the count
            worker.threads = fit_threads(0, worker.trainer.device)
        else:
            set_threads(threads or os.cpu_count() or 1)
        worker.threads_in_use = torch.get_num_threads()

    thread = QThread()
    _training_threads.add(thread)
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(set_threads_here, Qt.ConnectionType.DirectConnection)  # runs in the new thread
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # quit is thread-safe
    thread.start()
    return thread


def stop_training_thread(thread: QThread, worker: QObject, timeout_ms: int = 2000) -> bool:
    """Ask the loop to stop and wait for the thread; True when it has ended."""
    worker.stop()
    thread.quit()
    return thread.wait(timeout_ms)
