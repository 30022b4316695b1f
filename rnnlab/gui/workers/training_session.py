"""TrainingSession: the life of one model in the window — create, run, pause, step, stop,
reset, save, open — and its worker thread. It relays the worker's signals, so the window
connects once and never touches threads."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from rnnlab.core import logs
from rnnlab.core.data.corpus import Corpus
from rnnlab.core.io.run_state import load_trainer, save_trainer
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.probe import probe
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer
from rnnlab.gui.workers.latest_job import LatestJob
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
        self._probes = LatestJob("rnnlab-probe", self)
        self._probes.done.connect(lambda t, result, error: self._on_read(self.probed, t, result, error))
        self._gradient_reads = LatestJob("rnnlab-gradients", self)
        self._gradient_reads.done.connect(lambda t, result, error: self._on_read(self.gradients, t, result, error))

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

    def open(self, path: str, corpus: Corpus) -> Trainer:
        """Open a checkpoint whose text is already loaded (a lesson's); the window loads
        other checkpoints in a thread (load_trainer) and adopts them."""
        return self.adopt(load_trainer(path, corpus), path)  # CheckpointError / CorpusError: the window says

    def adopt(self, trainer: Trainer, path: str | None) -> Trainer:
        """Make a loaded trainer this session's model, in place of any other."""
        self.shutdown()
        self._listening = None
        self.trainer, self.path = trainer, None if path is None else str(path)
        self.dirty = False
        self.model_replaced.emit(trainer)
        self._set_state("ready")
        self._probe_now()
        if self._wants_gradients:
            self._gradients_now()
        return trainer

    def saved(self, path: str, step: int) -> None:
        """A save of this model at `step` was written to `path` (by a ModelReads)."""
        self.path, self._clean_step = str(path), step

    def between_steps_later(self, read: Callable) -> Callable[[], object]:
        """A job for another thread that returns read(trainer) while no step runs. The
        wait for the step in progress (up to a whole step, ~50-100 ms for the classroom
        model) then happens there, not in the GUI thread. Bound to the model of now."""
        trainer, lock = self.trainer, self._step_lock

        def job():
            with lock:
                return read(trainer)
        return job

    def can_read_now(self) -> bool:
        """True when the model can be read in this thread at once (no worker alive)."""
        return self.worker is None and not self._retired

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
        """At quit: wait for stopped workers still in their last step, and for the views'
        reads; True when none is left."""
        self._probes.shutdown()
        self._gradient_reads.shutdown()
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

    # Without a worker, the heatmap and gradient views are filled from a thread of their own
    # (a probe, and a backward pass, are too slow for the GUI thread on a big model); the
    # answer is dropped when the model was replaced meanwhile.
    def _probe_now(self) -> None:
        t, text = self.trainer, self._probe_text
        if t is None or not text:
            return
        if t.corpus.vocab.unknown_id is None and t.corpus.vocab.missing(text):
            return
        vocab = t.corpus.vocab
        read = self.between_steps_later(lambda trainer: probe(trainer.model, vocab, text))
        self._probes.submit(t, lambda _progress: read())

    def _gradients_now(self) -> None:
        t = self.trainer
        if t is None:
            return

        def flow(trainer):
            windows = gradient_windows(trainer.corpus.val, trainer.config.seq)
            return gradient_flow(trainer.model, windows) if windows.size else None
        read = self.between_steps_later(flow)
        self._gradient_reads.submit(t, lambda _progress: read())

    def _on_read(self, signal, trainer, result, error) -> None:
        if error is not None:
            logs.unexpected("reading the model for a view", error)
        elif trainer is self.trainer and result is not None:
            signal.emit(result)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


def saving(path: str) -> Callable:
    """A read that writes the trainer to `path`: (the file written, the step it holds)."""
    return lambda trainer: (save_trainer(path, trainer), trainer.step_count)


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
