"""The window's checkpoint actions: save, save as, open, and the unsaved-progress prompt.

A mixin of MainWindow (it uses the window's session, panels, prompts and message bar, and
its model reads and its `opening` LatestJob). Neither saving while the
model trains nor opening (which reads the checkpoint's text, perhaps megabytes) makes
the GUI thread wait: both happen in a thread, and the window says when they are done.
"""

from __future__ import annotations

import os

from rnnlab.core import logs
from rnnlab.core.data.corpus import CorpusError
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.io.run_state import corpus_for, load_trainer, read_run_metadata
from rnnlab.gui.workers.baseline import start_baseline
from rnnlab.gui.workers.latest_job import LatestJob
from rnnlab.gui.workers.training_session import saving

EXPECTED = (CheckpointError, CorpusError, OSError, ValueError)


def load(path: str, fallback: str | None):
    """The trainer a checkpoint holds, with its text (in the opening thread)."""
    return load_trainer(path, corpus_for(read_run_metadata(path), fallback=fallback))


class CheckpointActions:
    def checkpoint_opener(self) -> LatestJob:
        """The thread checkpoints are read in: done((path, steps, then), trainer, error)."""
        opener = LatestJob("rnnlab-open", self)
        opener.done.connect(self._on_opened)
        return opener

    def save_checkpoint(self) -> bool:
        if self.session.path:
            return self._save_to(self.session.path)
        return self.save_checkpoint_as()

    def save_checkpoint_as(self) -> bool:
        if self.session.trainer is None:
            self.show_message("There is no model to save yet: train one first.", "info")
            return False
        suggested = self.session.path or f"{self.session.trainer.corpus.stem}.rnnlab"
        path = self.prompts.save_checkpoint_path(self, suggested)
        return self._save_to(path) if path else False

    def _save_to(self, path: str) -> bool:
        """Save now, or (while a worker trains) between two steps in the saving thread.
        True when saved or on its way; a failure is a message in the window."""
        outcome: list[bool] = []
        self.model_reads("save").request(saving(path), lambda written: (outcome.append(True), self._on_saved(written)),
                           lambda exc: (outcome.append(False), self._on_save_failed(exc)))
        if self.model_reads("save").busy():
            self.show_status(f"Saving {os.path.basename(path)}…", 0)
            return True
        return outcome == [True]

    def _on_saved(self, written) -> None:
        self.session.saved(*written)
        self.show_status(f"Saved {written[0]}", 5000)
        self.update_title()

    def _on_save_failed(self, exc: Exception) -> None:
        self.show_status("", 1)
        text = str(exc) if isinstance(exc, EXPECTED) else logs.unexpected("saving", exc)
        self.show_message(f"Could not save: {text}", "error")

    def open_checkpoint_dialog(self) -> None:
        path = self.prompts.open_checkpoint_path(self)
        if path:
            self.open_checkpoint(path)

    def open_checkpoint(self, path: str, then=None) -> bool:
        """Open a checkpoint in the opening thread, then show it (and call then()). False
        when the user kept the unsaved model; a failure is a message in the window."""
        if self.session.dirty and not self.settle_unsaved():
            return False
        steps = self.session.trainer.step_count if self.session.trainer else None
        fallback = self.data_panel.current_source()
        self.opening.submit((path, steps, then), lambda _progress: load(path, fallback))
        self.show_status(f"Opening {os.path.basename(path)}…", 0)
        return True

    def is_opening(self) -> bool:
        """True while a checkpoint is being read."""
        return self.opening.busy()

    def _on_opened(self, key, trainer, error) -> None:
        path, steps, then = key
        self.show_status("", 1)
        if error is not None:
            text = str(error) if isinstance(error, EXPECTED) else logs.unexpected("opening", error)
            self.show_message(f"Could not open {os.path.basename(path)}: {text}", "error")
            return
        now = self.session.trainer.step_count if self.session.trainer else None
        if now != steps and self.session.dirty and not self.settle_unsaved():
            return  # it trained on while the file was read: ask again
        self.session.adopt(trainer, path)
        self.show_trainer(trainer)
        if then is not None:
            then()

    def show_trainer(self, trainer) -> None:
        """Fill every panel from a model just opened (its text, settings, curves, counters)."""
        self.data_panel.show_corpus(trainer.corpus)
        self.loss_plot.set_baseline(None)
        start_baseline(self.baseline, trainer.corpus, trainer.config.eval_max_chars)
        self.model_panel.set_config(trainer.model_config)
        self.training_panel.set_config(trainer.config)
        self.heatmap.set_default_text(trainer.corpus.val_snippet(120))
        self.session.set_probe_text(self.heatmap.probe_text())
        h = trainer.history
        self.loss_plot.set_history(h)
        self.status.show_counters(trainer.step_count, trainer.epoch, trainer.train_seconds)
        if h.evals:
            self.status.show_val(h.evals[-1][1])
        self.update_title()

    def settle_unsaved(self) -> bool:
        """Offer to save unsaved progress; False means the user cancelled. To save, training
        stops first: the model is about to be replaced or closed."""
        answer = self.prompts.ask_save_changes(self)
        if answer == "save":
            self.stop_training()
            return self.save_checkpoint() and not self.session.dirty
        return answer == "discard"
