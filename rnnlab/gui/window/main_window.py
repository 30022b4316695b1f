"""MainWindow: composition and wiring only. Panels gather settings and show results; the
TrainingSession runs the engine in a worker thread; the sampler has a thread of its own."""

from __future__ import annotations

import os
import time

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QMainWindow, QSplitter, QVBoxLayout, QWidget

from rnnlab.core import logs
from rnnlab.core.data.corpus import CorpusError, require_length
from rnnlab.core.io.lesson import PANELS
from rnnlab.core.train.presets import DEFAULT_CORPUS
from rnnlab.gui.explain.heatmap_panel import HeatmapPanel
from rnnlab.gui.explain.tabs import ExplainTabs
from rnnlab.gui.explain.view_chooser import ViewChooser
from rnnlab.gui.look import settings
from rnnlab.gui.look.prompts import Prompts
from rnnlab.gui.look.widgets import ColumnScroll
from rnnlab.gui.panels.data_panel import DataPanel
from rnnlab.gui.panels.model_panel import ModelPanel
from rnnlab.gui.panels.sampling_controller import PERIODIC_METER_NOTE, SamplingController
from rnnlab.gui.panels.sampling_panel import SamplingPanel
from rnnlab.gui.panels.training_panel import GUI_EVAL_CHARS, TrainingPanel
from rnnlab.gui.plots.loss_plot import LossPlotPanel
from rnnlab.gui.window import window_fit
from rnnlab.gui.window.autosaver import Autosaver, offer_restore
from rnnlab.gui.window.checkpoint_actions import CheckpointActions
from rnnlab.gui.window.classroom_actions import ClassroomActions
from rnnlab.gui.window.menus import build_menus, shortcuts_text
from rnnlab.gui.window.model_read_actions import ModelReadActions
from rnnlab.gui.window.presentation import ViewModes
from rnnlab.gui.window.presentation_layout import PresentationLayout
from rnnlab.gui.window.status import MessageBar, TrainingStatus
from rnnlab.gui.window.text_actions import TextActions
from rnnlab.gui.workers.baseline import (
    BASELINE_EXPECTED,
    MEMORISATION_EXPECTED,
    result_or_none,
    start_baseline,
    start_memorisation,
)
from rnnlab.gui.workers.gui_gc import collect_in_gui_thread
from rnnlab.gui.workers.gui_threads import keep_to_one_torch_thread
from rnnlab.gui.workers.latest_job import LatestJob
from rnnlab.gui.workers.training_session import TrainingSession

STATUS_INTERVAL = 0.25  # s: the status bar's numbers change 4 times a second, not 20
ABOUT = ("<b>rnnlab</b> — a playground for character-level recurrent networks.<br>"
         "Pick a text, a cell and a size, press Start, and watch the network learn.")


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


class MainWindow(CheckpointActions, ClassroomActions, TextActions, ModelReadActions, QMainWindow):
    prompts = Prompts()  # every modal dialog goes through here; tests swap in answers

    def __init__(self, text: str | None = None):
        super().__init__()
        collect_in_gui_thread()  # never destroy a widget in the training thread
        keep_to_one_torch_thread()  # training sets its own, in its thread
        logs.start()  # unexpected errors, with their tracebacks, go to the data folder's log
        pg.setConfigOptions(antialias=True)
        self.setWindowTitle("rnnlab")
        self.setAcceptDrops(True)
        self.session = TrainingSession(self)
        self.baseline = LatestJob("rnnlab-ngram-baseline", self)  # done(corpus, n-gram val loss, error)
        self.memorisation = LatestJob("rnnlab-memorisation", self)  # done((sample, corpus), report, error)
        self.opening = self.checkpoint_opener()
        self._status_shown = 0.0
        self._short_warning = ""  # the last "too short for these settings" shown
        self._build_panels()
        self._build_layout()
        self.actions = build_menus(self)
        self.view_modes = ViewModes(self, self.actions, self.main_splitter, self.center_splitter)
        self.status = TrainingStatus(self.statusBar())
        self.presentation_layout = PresentationLayout(self)
        self.sampling = SamplingController(self, self.sampling_panel, self.session)
        self._wire()
        self._restore_settings()
        self.training_panel.set_state("idle")
        self.open_first_text(text)
        self.autosaver = Autosaver(self)
        QTimer.singleShot(0, self._offer_restore)  # once the window is on screen

    # ----- building -----
    def _build_panels(self) -> None:
        self.data_panel = DataPanel()
        self.model_panel = ModelPanel()
        self.training_panel = TrainingPanel()
        self.loss_plot = LossPlotPanel()
        self.loss_plot.export_requested.connect(self.export_loss_plot)
        self.heatmap = HeatmapPanel()
        self.explain = ExplainTabs(self.heatmap)
        self.sampling_panel = SamplingPanel()
        self.message_bar = MessageBar()

    def _build_layout(self) -> None:
        self.panel_boxes = {name: _group(title, panel) for name, title, panel in (
            ("text", "Text", self.data_panel), ("model", "Model", self.model_panel),
            ("training", "Training", self.training_panel), ("loss", "Loss", self.loss_plot),
            ("inside", "Inside the network", self._inside()), ("sampling", "Sampling", self.sampling_panel))}
        controls = QWidget()
        column = QVBoxLayout(controls)
        for name in ("text", "model", "training"):
            column.addWidget(self.panel_boxes[name])
        column.addStretch(1)
        self.controls_scroll = scroll = ColumnScroll(controls)
        self.center_splitter = QSplitter(Qt.Orientation.Vertical)
        self.center_splitter.addWidget(self.panel_boxes["loss"])
        self.center_splitter.addWidget(self.panel_boxes["inside"])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(scroll)
        self.main_splitter.addWidget(self.center_splitter)
        self.main_splitter.addWidget(self.panel_boxes["sampling"])
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([330, 630, 320])  # shared out for the screen once shown (window_fit)
        self.splitters = {"columns": self.main_splitter, "centre": self.center_splitter}
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        toolbar = self.addToolBar("Training")
        toolbar.setObjectName("trainingToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.training_panel.button_bar)

    def _inside(self) -> QWidget:
        """The views of "inside the network" under a chooser (buttons, or a list when presenting)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.view_chooser = ViewChooser(self.explain)
        column.addWidget(self.view_chooser)
        column.addWidget(self.explain, 1)
        return box

    def _wire(self) -> None:
        self.data_panel.corpus_loaded.connect(self._on_data_corpus_loaded)
        self.model_panel.preset_applied.connect(self._on_model_preset_applied)
        tp = self.training_panel
        tp.start_pause_clicked.connect(self.toggle_training)
        tp.step_clicked.connect(self.step_once)
        tp.stop_clicked.connect(self.stop_training)
        tp.reset_clicked.connect(self.reset_model)
        tp.lr_changed.connect(self.session.set_lr)
        s = self.session
        s.state_changed.connect(self._on_session_state)
        s.metrics.connect(self._on_session_metrics)
        s.evaluated.connect(self._on_session_evaluated)
        s.warned.connect(lambda kind, message: self.message_bar.show_message(message, "warning"))
        s.failed.connect(lambda message: self.message_bar.show_message(message, "error"))
        s.probed.connect(self._on_session_probed)
        s.gradients.connect(self.explain.set_gradient_flow)
        s.model_replaced.connect(self._on_session_model_replaced)
        self.explain.wants_gradients.connect(s.set_wants_gradients)
        self.explain.set_model_source(self.view_copy_request)
        self.explain.set_sample_probe(self.probe_last_sample)
        self.baseline.done.connect(self._on_baseline_done)
        self.memorisation.done.connect(self._on_memorisation_done)
        # a method of this QObject, not a lambda: the slot must run in the GUI thread (queued)
        self.sampling.worker.finished.connect(self._on_sample_finished)
        s.finished.connect(self._on_session_finished)
        self.heatmap.probe_text_changed.connect(s.set_probe_text)

    # ----- training actions -----
    def toggle_training(self) -> None:
        if self.session.is_running():  # the flag itself: the state signal may still be on its way
            self.session.pause()
            return
        try:
            if self.session.worker is None:
                self._ensure_trainer()
                self.session.start(self.training_panel.budget(),
                                   self.training_panel.threads_spin.value())
            else:
                self.session.start()
        except (ValueError, CorpusError) as exc:
            self.message_bar.show_message(str(exc), "error")

    def step_once(self) -> None:
        if self.session.is_running():
            return
        try:
            self._ensure_trainer()
            self.session.step_once()
        except (ValueError, CorpusError) as exc:
            self.message_bar.show_message(str(exc), "error")

    def stop_training(self) -> None:
        self.session.stop()

    def reset_model(self) -> None:
        if self.session.dirty and not self.settle_unsaved():
            return
        self.discard_model()

    def discard_model(self) -> None:
        """Drop the model and its curves without asking (callers have asked)."""
        self.session.reset()  # its model_replaced empties the sampling panel
        self.loss_plot.clear()
        self.status.reset()
        self.message_bar.hide()

    def _ensure_trainer(self) -> None:
        corpus = self.data_panel.corpus()
        if corpus is None:
            raise ValueError("open a text first")
        if self.session.trainer is None:
            self.loss_plot.clear()
            self.session.ensure_trainer(
                corpus, self.model_panel.model_config(len(corpus.vocab)),
                self.training_panel.train_config(self.model_panel.device()))
            self.session.set_probe_text(self.heatmap.probe_text())

    # ----- other menu actions -----
    def toggle_sampling(self) -> None:
        self.sampling.toggle()

    def show_shortcuts(self) -> None:
        self.prompts.show_shortcuts(self, shortcuts_text())

    def show_about(self) -> None:
        self.prompts.show_about(self, ABOUT)

    # ----- reactions -----
    def _on_data_corpus_loaded(self, corpus) -> None:
        self.end_lesson_unless_on(corpus)
        self._warn_if_too_short(corpus)
        self.model_panel.set_vocab_size(len(corpus.vocab))
        self.loss_plot.set_baseline(None)
        start_baseline(self.baseline, corpus, GUI_EVAL_CHARS)  # the characters the app's validation scores
        self.heatmap.set_default_text(corpus.val_snippet(120))
        if self.session.trainer is None:
            self.session.set_probe_text(self.heatmap.probe_text())
        if corpus.encoding != "text":  # a file or a built-in, not pasted text: reopen it next time
            settings.set_value("last_source", str(corpus.source))

    def _warn_if_too_short(self, corpus) -> None:
        """Say now, not at Start, when the text is too short for the training settings."""
        train = self.training_panel.train_config(self.model_panel.device())
        if self.message_bar.text() and self.message_bar.text() == self._short_warning:
            self.message_bar.hide()  # about the text before
        try:
            require_length(corpus, train.batch, train.seq)
        except CorpusError as exc:
            self._short_warning = str(exc)
            self.message_bar.show_message(self._short_warning, "warning")

    def _on_baseline_done(self, corpus, result: tuple | None, error: Exception | None) -> None:
        result = result_or_none(result, error, BASELINE_EXPECTED)
        if result is None:  # an expected failure: say why there is no line
            self.show_status(f"No n-gram baseline line for {corpus.name}: {error}", 10000)
            return
        loss, label = result
        current = self.session.trainer.corpus if self.session.trainer else self.data_panel.corpus()
        if corpus is current:
            self.loss_plot.set_baseline(loss, label)
        if self.race_window is not None:
            self.race_window.set_baseline(corpus, loss, label)

    def _on_model_preset_applied(self, preset) -> None:
        self.training_panel.apply_preset(preset)
        if preset.corpus != DEFAULT_CORPUS and self.session.trainer is None:
            self.data_panel.load_source(preset.corpus)  # the tiny demo brings its own text

    def _on_session_state(self, state: str) -> None:
        self.training_panel.set_state(state)
        locked = state != "idle"
        self.model_panel.set_locked(locked, "Reset the model to change its shape")
        self.data_panel.setEnabled(not locked)
        self.data_panel.setToolTip("Reset the model to train on another text" if locked else "")
        self.sampling.set_model_available(state != "idle")
        trainer = self.session.trainer
        if trainer is not None and state != "running":  # show the exact final counters
            self.status.show_counters(trainer.step_count, trainer.epoch, trainer.train_seconds)
        self.update_title()

    def _on_session_metrics(self, batch: dict) -> None:
        self.loss_plot.append_steps(batch["steps"], batch["losses"], batch["chars"], batch["lrs"])
        self.explain.append_metrics(batch)
        last = batch["last"]
        self.sampling.on_step(last.step)
        now = time.monotonic()
        if now - self._status_shown >= STATUS_INTERVAL or self.session.state != "running":
            self._status_shown = now
            trainer = self.session.trainer
            self.status.show_step(last, trainer.train_seconds if trainer else 0.0)
            self.status.show_budget(*self.session.budget_progress())
            self.update_title()

    def _on_session_probed(self, result) -> None:
        trainer = self.session.trainer
        if trainer is not None:
            self.explain.set_probe(result, trainer.corpus.vocab)

    def _on_session_model_replaced(self, trainer) -> None:
        self.explain.clear()
        if trainer is not None:
            self.explain.set_clip(trainer.config.clip)

    def _on_sample_finished(self, _reason: str) -> None:
        self.explain.refresh_sample()
        sample, trainer = self.sampling_panel.last_sample(), self.session.trainer
        if sample and trainer is not None:
            if not self.sampling.meter_wanted():  # ~1 s of CPU on a 2M-character text: not every 6 s
                self.sampling_panel.show_memorisation_note(PERIODIC_METER_NOTE)
                return
            skipped = start_memorisation(self.memorisation, sample, trainer.corpus)
            if skipped:
                self.sampling_panel.show_memorisation_note(skipped)

    def _on_memorisation_done(self, key, report, error: Exception | None) -> None:
        sample, _corpus = key
        report = result_or_none(report, error, MEMORISATION_EXPECTED)
        if sample != self.sampling_panel.last_sample():
            return
        if report is None:  # an expected failure (out of memory): say so, not nothing
            self.sampling_panel.show_memorisation_note("Copied from the training text: not checked (out of memory).")
        else:
            self.sampling_panel.show_memorisation(report)

    def _on_session_evaluated(self, event) -> None:
        self.loss_plot.add_eval(event.step, event.chars_seen, event.val_loss)
        self.status.show_val(event.val_loss)

    def _on_session_finished(self, reason: str) -> None:
        if reason == "budget":
            self.status.show_budget(1.0, 0.0)  # the last metrics came a little before the end
            self.statusBar().showMessage("Budget reached: training stopped", 8000)

    def update_title(self) -> None:
        name = os.path.basename(self.session.path) if self.session.path else "untitled"
        star = "*" if self.session.dirty else ""
        title = f"{name}{star} — rnnlab" if self.session.trainer else "rnnlab"
        if title != self.windowTitle():
            self.setWindowTitle(title)

    def show_message(self, text: str, kind: str = "info") -> None:
        """A message above the panels (rich text; kind: info, warning or error)."""
        self.message_bar.show_message(text, kind)

    def show_status(self, text: str, ms: int = 5000) -> None:
        """A passing note in the status bar."""
        self.statusBar().showMessage(text, ms)

    def set_hidden_panels(self, hide) -> None:
        """Hide the panels named (core.io.lesson.PANELS), show the others."""
        for name, box in self.panel_boxes.items():
            box.setVisible(name not in hide)
        self.controls_scroll.setVisible(not {"text", "model", "training"} <= set(hide))

    def hidden_panels(self) -> tuple[str, ...]:
        return tuple(name for name in PANELS if self.panel_boxes[name].isHidden())

    def _offer_restore(self) -> None:
        offer_restore(self)

    def closeEvent(self, event) -> None:
        if self.session.dirty and not self.settle_unsaved():
            event.ignore()
            return
        self.session.shutdown()
        self.session.end_retired()  # a worker still in a long step: Qt must not outlive it
        self.autosaver.end()  # a clean exit: nothing to restore next time
        if self.race_window is not None:
            self.race_window.shutdown()
        self.sampling.shutdown()
        if self.download_dialog is not None:
            self.download_dialog.shutdown()
        self.explain.shutdown()
        self.end_model_reads()
        for job in (self.baseline, self.memorisation):
            job.shutdown()  # a count still running while Python exits crashed it (.ci/run's smoke)
        self.opening.shutdown()
        window_fit.save(self, self.splitters)
        event.accept()

    def _restore_settings(self) -> None:
        window_fit.restore(self, self.splitters)
