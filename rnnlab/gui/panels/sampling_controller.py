"""SamplingController: connects the sampling panel to a SamplingWorker in its own thread.

Text is generated from a snapshot copy of the weights (never the tensors being trained),
so it works while training runs and from an opened checkpoint. Unless the panel's
"Sample every" is unticked, a fresh sample while training runs: the first after
FIRST_SAMPLE_S of training (what the untrained network writes), then every N seconds of
training from the end of the last one, so a class watches the text improve. Whenever the model is
replaced (Reset, open, a lesson, a restored autosave) the panel is emptied: text written
by another model must not stand there as this one's.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from rnnlab.gui.panels.sampling_panel import SamplingPanel
from rnnlab.gui.workers.sampling_worker import CopyLater, shutdown, start_sampling_thread
from rnnlab.gui.workers.training_session import TrainingSession

FIRST_SAMPLE_S = 3.0  # of training: after the thread count is measured (~14 steps), not during it
METER_EVERY_S = 60.0  # of training between memorisation checks of periodic samples
PERIODIC_METER_NOTE = ("Copied from the training text: checked on every Generate, and once a minute "
                       "for the samples written by themselves.")


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
        self._auto_since: float | None = None  # trainer.train_seconds when the wait for the next began
        self._sampled = False  # this model has had a sample: the next waits the whole interval
        self._periodic = False  # the sample under way was started by on_step, not asked for
        self._metered_at: float | None = None  # train_seconds of the last periodic sample checked
        session.model_replaced.connect(self._on_session_model_replaced)
        session.state_changed.connect(self._on_session_state)
        session.finished.connect(self._on_session_finished)
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
        self.busy, self._sampled, self._periodic = True, True, False
        self.last_request = (settings, trainer.step_count)
        self.panel.begin(title)
        # the copy waits for the training step in progress in the sampling thread, not here
        copy = self.session.between_steps_later(lambda t: t.snapshot_model())
        self._request.emit(CopyLater(copy), trainer.corpus.vocab, settings)

    def on_step(self, step: int) -> None:
        """Called as training advances (each metrics batch): start the periodic sample
        when its seconds of training have passed (never on a single Step)."""
        seconds, trainer = self.panel.auto_sample_seconds(), self.session.trainer
        if seconds is None or trainer is None or self.busy or not self.session.is_running():
            return
        if self._auto_since is None:
            self._auto_since = trainer.train_seconds
        wait = seconds if self._sampled else min(seconds, FIRST_SAMPLE_S)
        if trainer.train_seconds - self._auto_since >= wait:
            self._generate_periodic(step)

    def _generate_periodic(self, step: int) -> None:
        self.generate(self.panel.settings(), f"— step {step:,} —")
        self._periodic = True

    def meter_wanted(self) -> bool:
        """Whether the sample just finished gets the memorisation check (about a second of
        CPU on a 2M-character text, taken from training): every asked-for sample, a
        periodic one once per METER_EVERY_S of training."""
        trainer = self.session.trainer
        if not self._periodic or trainer is None:
            return True
        if self._metered_at is not None and trainer.train_seconds - self._metered_at < METER_EVERY_S:
            return False
        self._metered_at = trainer.train_seconds
        return True

    def set_model_available(self, available: bool) -> None:
        self.panel.set_available(available, "" if available else "Train or open a model first")
        if not available:
            self._auto_since = None

    def reset(self) -> None:
        """The model is gone: stop a generation, drop what it still sends, empty the panel."""
        if self.busy:
            self.worker.stop()
            self._discarding = True
        self.last_request = None
        self._auto_since, self._sampled, self._metered_at = None, False, None
        self.panel.clear()

    def shutdown(self) -> bool:
        return shutdown(self.thread, self.worker)

    def _on_session_model_replaced(self, _trainer) -> None:
        self.reset()

    def _on_session_state(self, state: str) -> None:
        trainer = self.session.trainer
        if state == "running" and self._auto_since is None and trainer is not None:
            self._auto_since = trainer.train_seconds  # the first sample's wait starts with training

    def _on_session_finished(self, reason: str) -> None:
        """A budget shorter than the wait for the first sample still ends with some text."""
        trainer = self.session.trainer
        if (reason == "budget" and not self._sampled and not self.busy and trainer is not None
                and self.panel.auto_sample_seconds() is not None):
            self._generate_periodic(trainer.step_count)

    def _sample_ended(self) -> None:
        """The next periodic sample waits its full interval from now."""
        trainer = self.session.trainer
        self.busy = False
        self._auto_since = trainer.train_seconds if trainer is not None else None

    def _on_stop_requested(self) -> None:
        self.worker.stop()

    def _on_worker_scored(self, chunk: str, probs) -> None:
        if not self._discarding:
            self.panel.append_scored(chunk, probs)

    def _on_worker_finished(self, reason: str) -> None:
        self._sample_ended()
        if self._discarding:
            self._discarding = False
            return
        self.panel.finish(reason)

    def _on_worker_failed(self, message: str) -> None:
        self._sample_ended()
        if self._discarding:
            self._discarding = False
            return
        self.panel.show_error(message)
