"""TrainingSession: the life of one model in the window — create, run, pause, step, stop,
reset, save, open — and its worker thread. It relays the worker's signals, so the window
connects once and never touches threads."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from rnnlab.core.data.corpus import Corpus
from rnnlab.core.io.run_state import load_trainer, run_metadata, save_trainer
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.probe import probe
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer
from rnnlab.gui.workers.training_worker import TrainingWorker, start_training_thread, stop_training_thread


class TrainingSession(QObject):
    state_changed = Signal(str)  # "idle" (no model) | "ready" | "running" | "paused"
    metrics = Signal(object)
    evaluated = Signal(object)
    warned = Signal(str, str)
    probed = Signal(object)
    gradients = Signal(object)  # gradient flow through time, only while wanted
    failed = Signal(str)
    finished = Signal(str)
    model_replaced = Signal(object)  # the new Trainer (after open or first start), or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self.worker: TrainingWorker | None = None
        self.thread: QThread | None = None
        self.state = "idle"
        self._clean_step: int | None = None  # the step count when last saved or opened
        self.path: str | None = None  # where it was last saved or opened from
        self._probe_text = ""
        self._wants_gradients = False
        self._budget: dict = {}
        self._budget_start = (0, 0.0)
        self._listening: TrainingWorker | None = None  # whose signals are relayed
        self._retired: list[tuple[QThread, TrainingWorker]] = []  # stopped, not yet ended
        self._relays: dict[TrainingWorker, _Relay] = {}  # until each worker's finished arrives
        self._step_lock = threading.Lock()  # every worker of this session holds it during a step

    # ----- model life -----
    def ensure_trainer(self, corpus: Corpus, model: ModelConfig, config: TrainConfig) -> Trainer:
        if self.trainer is None:
            self.trainer = Trainer(corpus, model, config)
            self.path = None
            self.dirty = False
            self.model_replaced.emit(self.trainer)
            self._set_state("ready")
        return self.trainer

    def reset(self) -> None:
        self.shutdown()
        self._listening = None
        self.trainer, self.path = None, None
        self.model_replaced.emit(None)
        self._set_state("idle")

    def open(self, path: str, corpus: Corpus | None = None) -> Trainer:
        trainer = load_trainer(path, corpus)  # raises CheckpointError / CorpusError: the window says
        self.shutdown()
        self._listening = None
        self.trainer, self.path = trainer, str(path)
        self.dirty = False
        self.model_replaced.emit(trainer)
        self._set_state("ready")
        self._probe_now()
        if self._wants_gradients:
            self._gradients_now()
        return trainer

    def save(self, path: str) -> str:
        saved = self.save_copy(path)
        self.path, self.dirty = saved, False
        return saved

    def save_copy(self, path: str) -> str:
        """Write a checkpoint without making it this session's file (e.g. into a lesson)."""
        if self.trainer is None:
            raise ValueError("there is no model to save yet")
        return self._between_steps(lambda trainer: save_trainer(path, trainer))

    def run_metadata(self) -> dict | None:
        """The run as plain data (configs, text, counters, loss history), or None without
        a model; for reports."""
        return None if self.trainer is None else self._between_steps(run_metadata)

    def between_steps_later(self, read: Callable) -> Callable[[], object]:
        """A job for another thread that returns read(trainer) while no step runs. The
        wait for the step in progress (up to a whole step, ~50-100 ms for the classroom
        model) then happens there, not in the GUI thread. Bound to the model of now."""
        trainer, lock = self.trainer, self._step_lock

        def job():
            with lock:
                return read(trainer)
        return job

    def _between_steps(self, read):
        """read(trainer) while no step runs: the worker may be training in its thread."""
        return self.between_steps_later(read)()

    @property
    def dirty(self) -> bool:
        """Steps trained since the last save or open (read from the trainer itself: the
        last metrics of a stopped run may still be on their way)."""
        return self.trainer is not None and self.trainer.step_count != self._clean_step

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._clean_step = None if value or self.trainer is None else self.trainer.step_count

    # ----- running -----
    def start(self, budget: dict | None = None, threads: int | None = None) -> None:
        """Start, or resume when paused."""
        if self.trainer is None:
            raise ValueError("no model: create one first")
        if self.worker is not None:
            self.worker.resume()
            return
        self._launch(budget or {}, threads or 0)

    def is_running(self) -> bool:
        """Training now (not paused), by the trainer's own flag, which pause() sets at once."""
        return self.worker is not None and not self.trainer.paused

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.pause()

    def step_once(self) -> None:
        """Exactly one optimisation step: starts a paused worker if none is running."""
        if self.trainer is None:
            raise ValueError("no model: create one first")
        if self.worker is None:
            self.trainer.pause()
            self._launch({})
        self.worker.request_step()

    def stop(self) -> None:
        self.shutdown()
        if self.trainer is not None:
            self._set_state("ready")

    def set_lr(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_lr(lr)

    def set_probe_text(self, text: str) -> None:
        self._probe_text = text
        if self.worker is not None:
            self.worker.set_probe_text(text)
        else:
            self._probe_now()

    def set_wants_gradients(self, wanted: bool) -> None:
        """The gradient view is shown (True) or hidden: compute the flow only for it."""
        self._wants_gradients = wanted
        if self.worker is not None:
            self.worker.set_wants_gradients(wanted)
        elif wanted:
            self._gradients_now()

    def snapshot_model(self):
        """A CPU copy of the weights (waits here for the step in progress), or None."""
        return None if self.trainer is None else self._between_steps(lambda t: t.snapshot_model())

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the worker thread (if any) and wait for it; True when none is left running."""
        if self.worker is None:
            return True
        worker, thread = self.worker, self.thread
        self.worker = self.thread = None
        ended = stop_training_thread(thread, worker, timeout_ms)
        if not ended:  # keep them alive: destroying a running QThread aborts the process
            self._retired.append((thread, worker))
            # a partial of the thread alone: the connection must not keep the worker (and its
            # trainer) alive once the thread has ended
            thread.finished.connect(functools.partial(self._forget_retired, thread))
        if self.trainer is not None:
            self.trainer.resume()  # a later start must not begin paused
        return ended

    def end_retired(self, timeout_ms: int = 5000) -> bool:
        """At quit: wait for stopped workers still in their last step; True when none is left."""
        for thread, _worker in list(self._retired):
            if thread.wait(timeout_ms):
                self._forget_retired(thread)
        return not self._retired

    def _forget_retired(self, thread: QThread) -> None:
        self._retired = [(t, w) for t, w in self._retired if t is not thread]

    def budget_progress(self) -> tuple[float | None, float | None]:
        """(fraction done, seconds left) of the running budget, or (None, None) without one."""
        t, b = self.trainer, self._budget
        if t is None or not b:
            return None, None
        steps0, seconds0 = self._budget_start
        spent_seconds = t.train_seconds - seconds0
        if "max_steps" in b:
            fraction = (t.step_count - steps0) / max(b["max_steps"], 1)
        else:
            fraction = spent_seconds / max(b["max_seconds"], 1e-9)
        fraction = min(fraction, 1.0)
        eta = spent_seconds * (1 - fraction) / fraction if fraction > 0 else None
        return fraction, eta

    # ----- internals -----
    def _launch(self, budget: dict, threads: int = 0) -> None:
        self._budget = budget
        self._budget_start = (self.trainer.step_count, self.trainer.train_seconds)
        worker = TrainingWorker(self.trainer, probe_text=self._probe_text, lock=self._step_lock, **budget)
        worker.set_wants_gradients(self._wants_gradients)
        self._relays[worker] = _Relay(self, worker)
        self.worker = self._listening = worker
        self.thread = start_training_thread(worker, threads=threads)

    # A stopped worker's last queued signals still count (the final steps of a run), but
    # not once the model was reset or replaced: they would land on the wrong plot. Each
    # worker's signals reach the session through its own _Relay, which knows whose they are
    # (sender() would name a worker already deleted when its queued signals arrive).
    def _relay(self, worker: TrainingWorker, name: str, *args) -> None:
        if worker is self._listening:
            getattr(self, name).emit(*args)

    def _on_worker_state(self, worker: TrainingWorker, state: str) -> None:
        if worker is self.worker:
            self._set_state(state)

    def _on_worker_finished(self, worker: TrainingWorker, reason: str) -> None:
        self._relays.pop(worker, None)
        if worker is not self.worker:
            return  # a worker we already stopped and forgot
        thread = self.thread
        self.worker = self.thread = None
        if thread is not None:
            thread.wait(2000)
        self._set_state("ready" if self.trainer is not None else "idle")
        self.finished.emit(reason)

    def _probe_now(self) -> None:
        t = self.trainer
        if t is None or not self._probe_text:
            return
        if t.corpus.vocab.unknown_id is None and t.corpus.vocab.missing(self._probe_text):
            return
        self.probed.emit(probe(t.model, t.corpus.vocab, self._probe_text))

    def _gradients_now(self) -> None:
        t = self.trainer
        if t is None:
            return
        windows = gradient_windows(t.corpus.val, t.config.seq)
        if windows.size:
            self.gradients.emit(gradient_flow(t.model, windows))

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


class _Relay(QObject):
    """One worker's signals, handed to its session with the worker they came from. It lives
    in the GUI thread (the worker's signals are queued to its slots) and holds the worker
    until the worker's last signal, finished, has arrived."""

    def __init__(self, session: TrainingSession, worker: TrainingWorker):
        super().__init__()  # no parent: the session's dict keeps it, and drops it at finished
        self._session, self._worker = session, worker
        worker.metrics.connect(self._metrics)
        worker.evaluated.connect(self._evaluated)
        worker.warned.connect(self._warned)
        worker.probed.connect(self._probed)
        worker.gradients.connect(self._gradients)
        worker.failed.connect(self._failed)
        worker.state_changed.connect(self._state)
        worker.finished.connect(self._finished)

    @Slot(object)
    def _metrics(self, batch) -> None:
        self._session._relay(self._worker, "metrics", batch)

    @Slot(object)
    def _evaluated(self, event) -> None:
        self._session._relay(self._worker, "evaluated", event)

    @Slot(str, str)
    def _warned(self, kind, message) -> None:
        self._session._relay(self._worker, "warned", kind, message)

    @Slot(object)
    def _probed(self, result) -> None:
        self._session._relay(self._worker, "probed", result)

    @Slot(object)
    def _gradients(self, norms) -> None:
        self._session._relay(self._worker, "gradients", norms)

    @Slot(str)
    def _failed(self, message) -> None:
        self._session._relay(self._worker, "failed", message)

    @Slot(str)
    def _state(self, state) -> None:
        self._session._on_worker_state(self._worker, state)

    @Slot(str)
    def _finished(self, reason) -> None:
        self._session._on_worker_finished(self._worker, reason)
