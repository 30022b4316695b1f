"""The window's classroom actions: lessons, downloads, exports, the race window, and the
view modes (presentation, full screen, themes).

A mixin of MainWindow (it uses the window's session, panels, prompts and message bar);
the work itself is in lessons.py, panels/download_dialog.py, report_export.py, race/window.py
and presentation.py.
"""

from __future__ import annotations

from rnnlab.core.io.lesson import SUFFIX
from rnnlab.gui.panels.download_dialog import DownloadDialog
from rnnlab.gui.race.window import RaceWindow
from rnnlab.gui.window import lessons, report_export


class ClassroomActions:
    race_window: RaceWindow | None = None  # made on first use
    download_dialog: DownloadDialog | None = None  # made when first asked for
    _lesson: tuple | None = None  # (corpus, banner, undo) while a lesson's text is open

    def begin_lesson(self, corpus, banner: str, undo) -> None:
        """A lesson is on screen for `corpus`; undo() puts back what it changed."""
        self._lesson = (corpus, banner, undo)

    def end_lesson(self) -> None:
        """Leave the lesson: its banner goes, the settings from before it come back."""
        lesson, self._lesson = self._lesson, None
        if lesson is not None:
            _corpus, banner, undo = lesson
            if self.message_bar.label.text() == banner:
                self.message_bar.hide()
            undo()

    def end_lesson_unless_on(self, corpus) -> None:
        """Another text is open: the lesson's banner and settings no longer hold."""
        if self._lesson is not None and corpus is not self._lesson[0]:
            self.end_lesson()

    def open_lesson_dialog(self) -> None:
        folder = str(lessons.SHIPPED) if lessons.SHIPPED.is_dir() else ""
        path = self.prompts.open_lesson_path(self, folder)
        if path:
            lessons.open_lesson(self, path)

    def save_lesson_dialog(self) -> None:
        corpus = self.data_panel.corpus()
        stem = corpus.stem if corpus is not None else "lesson"
        path = self.prompts.save_lesson_path(self, stem + SUFFIX)
        if not path:
            return
        with_model = self.prompts.ask_include_model(self) if self.session.trainer is not None else False
        if with_model is not None:
            lessons.save_lesson(self, path, with_model)

    def show_all_panels(self) -> None:
        self.set_hidden_panels(())

    def download_text_dialog(self) -> None:
        if self.download_dialog is None:
            self.download_dialog = DownloadDialog(self)
            self.download_dialog.text_chosen.connect(self._on_download_text_chosen)
        else:
            self.download_dialog.refresh()
        self.download_dialog.show()
        self.download_dialog.raise_()
        self.download_dialog.activateWindow()

    def _on_download_text_chosen(self, spec: str) -> None:
        self.data_panel.refresh()
        if self.session.trainer is not None:
            self.show_message(
                f"{spec} is downloaded. Reset the model to train on it (it is in the Text "
                "panel's list).", "info")
        elif self.data_panel.load_source(spec):
            self.show_message(
                f"Opened {spec}. It is kept on this computer: it works offline from now on.", "info")
        # else the Text panel says why it could not be opened

    def export_run_report(self) -> str | None:
        return report_export.export_run_report(self)

    def export_loss_history(self) -> str | None:
        return report_export.export_loss_history(self)

    def export_loss_plot(self) -> str | None:
        return report_export.export_loss_plot(self)

    def open_race(self) -> RaceWindow:
        """The race window, set up with this window's text, model size and training settings."""
        if self.race_window is None:
            self.race_window = RaceWindow(self)
            self.race_window.started.connect(self._on_race_started)
        corpus = self.data_panel.corpus()
        base = self.model_panel.model_config(len(corpus.vocab)) if corpus is not None else None
        self.race_window.prepare(corpus, base, self.training_panel.train_config(self.model_panel.device()),
                                 self.training_panel.threads_spin.value(), self.loss_plot.baseline(),
                                 self.loss_plot.baseline_label())
        self.race_window.show()
        self.race_window.raise_()
        self.race_window.activateWindow()
        return self.race_window

    def _on_race_started(self) -> None:
        if self.session.is_running():  # two trainings would halve each other's speed
            self.session.pause()
            self.show_message("Training here is paused while the race runs.", "info")

    def toggle_presentation(self, on: bool | None = None) -> None:
        self.view_modes.set_presentation(on)

    def toggle_full_screen(self, on: bool | None = None) -> None:
        self.view_modes.set_full_screen(on)

    def use_system_theme(self) -> None:
        self.view_modes.set_theme("system")

    def use_light_theme(self) -> None:
        self.view_modes.set_theme("light")

    def use_dark_theme(self) -> None:
        self.view_modes.set_theme("dark")
