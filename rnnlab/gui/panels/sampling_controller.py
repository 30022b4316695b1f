"""SamplingController: connects the sampling panel to a SamplingWorker in its own thread.

Text is generated from a snapshot copy of the weights (never the tensors being trained),
so it works while training runs and from an opened checkpoint. Optionally a fresh sample
every N steps, so a class watches the text improve.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from rnnlab.gui.panels.sampling_panel import SamplingPanel
from rnnlab.gui.workers.sampling_worker import CopyLater, shutdown, start_sampling_thread
from rnnlab.gui.workers.training_session import TrainingSession


class SamplingController(QObject):
    _request = Signal(object, object, object)  # model, vocab, settings -> worker.generate (queued)

    def __init__(self, parent: QObject, panel: SamplingPanel, session: TrainingSession):
        super().__init__(parent)
        self.panel, self.session = panel, session
        self.thread, self.worker = start_sampling_thread()
        app = QCoreApplication.instance()
        if app is not None:  # never leave a running QThread behind at exit
            app.aboutToQuit.connect(self.shutdown)
        self._request.connect(self.worker.generate)
        self.worker.scored.connect(self._on_worker_scored)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)
        panel.generate_requested.connect(self.generate)
        # a slot of this object runs in the GUI thread at once; the worker's own would wait
        # in the queue of its busy thread until the sample is done
        panel.stop_requested.connect(self._on_stop_requested)
        self.busy = False
        self._discarding = False  # after reset(): what the stopped generation still sends is dropped
        self.last_request: tuple | None = None  # (SampleSettings, training step) of the latest sample
        self._next_auto = 0
        self.set_model_available(False)

    def toggle(self) -> None:
        if self.busy:
            self.worker.stop()
        else:
            self.generate(self.panel.settings())

    def generate(self, settings, title: str | None = None) -> None:
        if self.busy:
            return
        trainer = self.session.trainer
        if trainer is None:
            self.panel.show_error("Train or open a model first.")
            return
        self.busy = True
        self.last_request = (settings, trainer.step_count)
        self.panel.begin(title)
        # the copy waits for the training step in progress in the sampling thread, not here
        copy = self.session.between_steps_later(lambda t: t.snapshot_model())
        self._request.emit(CopyLater(copy), trainer.corpus.vocab, settings)

    def on_step(self, step: int) -> None:
        """Called as training advances: start the periodic sample when one is due."""
        every = self.panel.auto_sample_every()
        if not every or step < self._next_auto:
            return
        self._next_auto = (step // every + 1) * every
        if not self.busy:
            self.generate(self.panel.settings(), f"— step {step:,} —")

    def set_model_available(self, available: bool) -> None:
        self.panel.set_available(available, "" if available else "Train or open a model first")
        if not available:
            self._next_auto = 0

    def reset(self) -> None:
        """The model is gone: stop a generation, drop what it still sends, empty the panel."""
        if self.busy:
            self.worker.stop()
            self._discarding = True
        self.last_request = None
        self._next_auto = 0
        self.panel.clear()

    def shutdown(self) -> bool:
        return shutdown(self.thread, self.worker)

    def _on_stop_requested(self) -> None:
        self.worker.stop()

    def _on_worker_scored(self, chunk: str, probs) -> None:
        if not self._discarding:
            self.panel.append_scored(chunk, probs)

    def _on_worker_finished(self, reason: str) -> None:
        self.busy = False
        if self._discarding:
            self._discarding = False
            return
        self.panel.finish(reason)

    def _on_worker_failed(self, message: str) -> None:
        self.busy = False
        if self._discarding:
            self._discarding = False
            return
        self.panel.show_error(message)
