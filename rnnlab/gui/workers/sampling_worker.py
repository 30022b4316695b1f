"""SamplingWorker: streams sample_stream() output from its own QThread.

    GUI thread                              sampling thread
    request.emit(model, vocab, settings) -> generate(): for each char: append to buffer;
                                            every ~30 ms emit chunk(text so far, not sent)
    worker.stop()  (thread-safe flag)    -> checked between characters
                                         <- chunk(str) ... finished("done" | "stopped")
                                         <- failed(message) on any error

Call `generate` through a queued signal (a Signal(object, object, object) connected to
it); a direct call would run the loop in the GUI thread. The model is a snapshot copy
owned by this call: no reference is kept once generate() returns. Or a CopyLater, when
the copy must wait for a training step to end: it then waits in this thread, and the GUI
thread stays free.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from rnnlab.core import logs
from rnnlab.core.nn.fast_step import use_one_blas_thread
from rnnlab.core.nn.sampler import SamplerError, SampleSettings, sample_stream
from rnnlab.core.train.own_load import OWN_LOAD
from rnnlab.gui.workers.gui_threads import keep_to_one_torch_thread

CHUNK_INTERVAL = 0.03  # seconds between chunk signals: smooth to watch, cheap for the GUI
SHUTDOWN_MS = 2000


class CopyLater(NamedTuple):
    """In place of a model: copy() makes the snapshot, in the sampling thread."""
    copy: Callable


class SamplingWorker(QObject):
    chunk = Signal(str)  # new characters since the last chunk
    scored = Signal(str, object)  # the same characters and each one's probability under the model
    finished = Signal(str)  # "done" or "stopped"
    failed = Signal(str)  # a message for the user

    def __init__(self, chunk_interval: float = CHUNK_INTERVAL):
        super().__init__()  # no parent: it is moved to its own thread
        self._interval = chunk_interval
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask a running generation to end after the current character (any thread)."""
        self._stop.set()

    @Slot(object, object, object)
    def generate(self, model, vocab, settings: SampleSettings) -> None:
        """Generate and stream text; never raises (errors become `failed`)."""
        self._stop.clear()  # a stop belongs to the generation it was meant for
        keep_to_one_torch_thread()
        try:
            with OWN_LOAD.running():  # training's thread count is not judged meanwhile
                if isinstance(model, CopyLater):
                    model = model.copy()
                stopped = self._stream(sample_stream(model, vocab, settings))
        except SamplerError as err:
            self.failed.emit(f"Cannot generate: {err}.")
        except MemoryError:
            self.failed.emit("Cannot generate: out of memory.")
        except Exception as err:  # noqa: BLE001 - the thread must survive anything
            self.failed.emit(logs.unexpected("Generation failed", err))
        else:
            self.finished.emit("stopped" if stopped else "done")

    def _stream(self, chars) -> bool:
        """Emit the characters in chunks; True if stopped early."""
        buffer: list[str] = []
        probs: list[float] = []
        last = time.monotonic()
        try:
            for sampled in chars:
                buffer.append(sampled.char)
                probs.append(sampled.model_prob)
                if self._stop.is_set():
                    return True
                now = time.monotonic()
                if now - last >= self._interval:
                    self._emit(buffer, probs)
                    last = now
            return False
        finally:  # also on stop or error: what was generated is shown
            if buffer:
                self._emit(buffer, probs)

    def _emit(self, buffer: list[str], probs: list[float]) -> None:
        text = "".join(buffer)
        self.chunk.emit(text)
        self.scored.emit(text, np.asarray(probs, dtype=np.float64))
        buffer.clear()
        probs.clear()


def start_sampling_thread(parent: QObject | None = None,
                          chunk_interval: float = CHUNK_INTERVAL) -> tuple[QThread, SamplingWorker]:
    """A started QThread with a SamplingWorker living in it."""
    # here, not at the first sample: threadpoolctl asks Python which thread calls it, and
    # asked from a QThread, Python keeps a stray "Dummy" entry in threading.enumerate()
    use_one_blas_thread()
    thread = QThread(parent)
    thread.setObjectName("samplingThread")
    worker = SamplingWorker(chunk_interval)
    worker.moveToThread(thread)
    thread.start()
    return thread, worker


def shutdown(thread: QThread, worker: SamplingWorker, timeout_ms: int = SHUTDOWN_MS) -> bool:
    """Stop any generation, end the thread's event loop and wait; True if it ended in time."""
    worker.stop()
    thread.quit()
    return thread.wait(timeout_ms)
