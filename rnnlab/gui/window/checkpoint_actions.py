"""The window's checkpoint actions: save, save as, open, and the unsaved-progress prompt.

A mixin of MainWindow (it uses the window's session, panels, prompts and message bar).
"""

from __future__ import annotations

import os

from rnnlab.core.data.corpus import CorpusError
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.io.run_state import corpus_for, read_run_metadata
from rnnlab.gui.workers.baseline import start_baseline


class CheckpointActions:
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
        try:
            saved = self.session.save(path)
        except (CheckpointError, OSError, ValueError) as exc:
            self.show_message(f"Could not save: {exc}", "error")
            return False
        self.show_status(f"Saved {saved}", 5000)
        self.update_title()
        return True

    def open_checkpoint_dialog(self) -> None:
        path = self.prompts.open_checkpoint_path(self)
        if path:
            self.open_checkpoint(path)

    def open_checkpoint(self, path: str) -> bool:
        if self.session.dirty and not self.settle_unsaved():
            return False
        try:
            corpus = corpus_for(read_run_metadata(path), fallback=self.data_panel.current_source())
            trainer = self.session.open(path, corpus)
        except (CheckpointError, CorpusError, OSError, ValueError) as exc:
            self.show_message(f"Could not open {os.path.basename(path)}: {exc}", "error")
            return False
        self.show_trainer(trainer)
        return True

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
        """Offer to save unsaved progress; False means the user cancelled."""
        answer = self.prompts.ask_save_changes(self)
        return answer == "discard" or (answer == "save" and self.save_checkpoint())
