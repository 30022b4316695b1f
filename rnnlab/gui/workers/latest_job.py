"""LatestJob: run jobs off the GUI thread, the newest only, and hand back only the answer
that is still wanted.

    submit(key, job) -> one Python thread runs job(progress)
        progress(x) -> progressed(key, x)        (raises Cancelled once the job is stale)
    <- done(key, result, error), in the GUI thread, for the latest job only

One thread at a time: a job submitted while another runs waits, replacing any job still
waiting, so a burst of requests never piles up threads (or the child processes a regex
match starts). A newer submit or cancel() makes the running job stale: its progress()
raises Cancelled at its next call, and whatever it returns is dropped. shutdown() cancels
and waits for the thread.

Used for the n-gram baseline and memorisation meter, big text loads and the neuron hunt's
pattern masks. Hand-written: superqt's thread_worker drops no stale results, can stop
only generator functions (our loads report progress through a callback deep in core), and
waits for the whole global thread pool to quit; concurrent.futures keeps its idle thread
alive and joins it, without a timeout, at interpreter exit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from PySide6.QtCore import QObject, Signal

from rnnlab.core.train.own_load import OWN_LOAD
from rnnlab.gui.workers.gui_threads import keep_to_one_torch_thread

SHUTDOWN_S = 2.0  # the longest a closing window waits for a job to notice it is stale

Progress = Callable[[object], None]


class Cancelled(Exception):
    """Raised by progress() in a job that a newer submit or cancel() made stale."""


@dataclass(eq=False)
class _Job:
    ticket: int
    key: object
    run: Callable[[Progress], object]
    cancelled: threading.Event = field(default_factory=threading.Event)


class LatestJob(QObject):
    done = Signal(object, object, object)  # key, result (None on error), the exception (None on success)
    progressed = Signal(object, object)  # key, what the job reported
    # From the thread; queued to the GUI thread, where this object lives.
    _finished = Signal(object, object, object)  # _Job, result, exception
    _reported = Signal(object, object)  # _Job, what it reported

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._tickets = count(1)
        self._wanted: int | None = None  # the ticket whose answer is awaited (GUI thread only)
        self._lock = threading.Lock()  # guards the three below, shared with the thread
        self._pending: _Job | None = None
        self._running: _Job | None = None
        self._thread: threading.Thread | None = None
        self._finished.connect(self._on_finished)
        self._reported.connect(self._on_reported)

    def submit(self, key, job: Callable[[Progress], object]) -> None:
        """Run job(progress) on the thread; earlier jobs become stale (their answers dropped)."""
        new = _Job(next(self._tickets), key, job)
        self._wanted = new.ticket
        with self._lock:
            if self._running is not None:
                self._running.cancelled.set()
            self._pending = new
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()

    def cancel(self) -> None:
        """Drop every answer still to come; a running job stops at its next progress()."""
        self._wanted = None
        with self._lock:
            self._pending = None
            if self._running is not None:
                self._running.cancelled.set()

    def busy(self) -> bool:
        """True while the latest job's answer is still to come."""
        return self._wanted is not None

    def idle(self) -> bool:
        """True when no job runs or waits (the thread has ended); what it sent before is queued."""
        with self._lock:
            return self._thread is None

    def shutdown(self, timeout: float = SHUTDOWN_S) -> bool:
        """Cancel, then wait up to `timeout` seconds for the thread; True when it has ended."""
        self.cancel()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    # --- in the thread ----------------------------------------------------------------------

    def _work(self) -> None:
        keep_to_one_torch_thread()
        while True:
            with self._lock:
                job, self._pending = self._pending, None
                self._running = job
                if job is None:
                    self._thread = None
                    return

            def progress(value, job=job) -> None:
                if job.cancelled.is_set():
                    raise Cancelled
                self._emit(self._reported, job, value)

            try:
                with OWN_LOAD.running():  # training's thread count is not judged meanwhile
                    result, error = job.run(progress), None
            except Cancelled:
                continue  # stale: nobody waits for it
            except Exception as exc:  # noqa: BLE001 - every failure reaches done() as the exception
                result, error = None, exc
            if not job.cancelled.is_set():
                self._emit(self._finished, job, result, error)

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the owner was deleted meanwhile: nobody to tell
            pass

    # --- in the GUI thread -----------------------------------------------------------------

    def _on_finished(self, job: _Job, result, error) -> None:
        if job.ticket == self._wanted:
            self._wanted = None
            self.done.emit(job.key, result, error)

    def _on_reported(self, job: _Job, value) -> None:
        if job.ticket == self._wanted:
            self.progressed.emit(job.key, value)
