"""The window's ways to a text: the first one at launch, File > Open text, files dropped or
opened from the desktop (a checkpoint, a lesson or a text, by their suffix).

A mixin of MainWindow (it uses the window's session, data panel, prompts and message bar).
A model trains on the text it was made for, so while one exists a new text is refused with
a word on how to change it.
"""

from __future__ import annotations

from rnnlab.core.io.file_kind import file_kind
from rnnlab.core.train.presets import DEFAULT_CORPUS
from rnnlab.gui.look import settings
from rnnlab.gui.window import lessons


class TextActions:
    def open_first_text(self, text: str | None) -> None:
        """The text asked for (or the last one); if it cannot be opened, say so and fall
        back to the built-in default, so that Start works at once."""
        if text and file_kind(text) == "lesson":  # a lesson: the default text first, then the lesson
            self.data_panel.load_source(DEFAULT_CORPUS)
            lessons.open_lesson(self, text)
            return
        failures = []
        self.data_panel.corpus_failed.connect(failures.append)
        self.data_panel.load_source(text or settings.value("last_source", DEFAULT_CORPUS, str))
        if self.data_panel.corpus() is None and not self.data_panel.is_loading():
            self.data_panel.load_source(DEFAULT_CORPUS)
            if text and failures:
                self.show_message(f"{failures[0]} Opened the default text ({DEFAULT_CORPUS}) instead.", "error")
        self.data_panel.corpus_failed.disconnect(failures.append)

    def open_text_dialog(self) -> None:
        if self._refuse_new_text():
            return
        path = self.prompts.open_text_path(self)
        if path:
            self.data_panel.open_path(path)

    def open_file(self, path: str) -> None:
        """A file dropped or opened from the desktop: a checkpoint, a lesson or a text."""
        kind = file_kind(path)
        if kind == "checkpoint":
            self.open_checkpoint(path)
        elif kind == "lesson":
            lessons.open_lesson(self, path)
        elif not self._refuse_new_text():
            self.data_panel.open_path(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.open_file(paths[0])

    def _refuse_new_text(self) -> bool:
        if self.session.trainer is None:
            return False
        self.show_message("Reset the model to train on another text (the model is kept until you do).", "info")
        return True
