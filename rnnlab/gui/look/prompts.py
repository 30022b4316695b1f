"""Every modal dialog the window opens, in one object the tests replace with answers."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

CHECKPOINT_FILTER = "rnnlab checkpoints (*.rnnlab);;All files (*)"
LESSON_FILTER = "rnnlab lessons (*.rnnlab-lesson);;All files (*)"
TEXT_FILTER = "Text files (*.txt *.md *.py *.csv *.json *.html *.xml);;All files (*)"
REPORT_FILTERS = {"Web page (*.html)": ".html", "PDF document (*.pdf)": ".pdf"}
CSV_FILTER = "CSV data (*.csv);;All files (*)"


class Prompts:
    def open_text_path(self, parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open a text", "", TEXT_FILTER)
        return path or None

    def open_checkpoint_path(self, parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open a checkpoint", "", CHECKPOINT_FILTER)
        return path or None

    def save_checkpoint_path(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save the model", suggested, CHECKPOINT_FILTER)
        if path and not path.endswith(".rnnlab"):
            path += ".rnnlab"
        return path or None

    def open_lesson_path(self, parent: QWidget, folder: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open a lesson", folder, LESSON_FILTER)
        return path or None

    def save_lesson_path(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save as a lesson", suggested, LESSON_FILTER)
        return path or None

    def ask_include_model(self, parent: QWidget) -> bool | None:
        """Put the trained model into the lesson? None = cancel."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            parent, "Save as a lesson", "Include the trained model, so the lesson opens with it?",
            buttons.Yes | buttons.No | buttons.Cancel, buttons.Yes)
        return {buttons.Yes: True, buttons.No: False}.get(answer)

    def save_report_path(self, parent: QWidget, suggested: str) -> str | None:
        """Where to write the run report: an .html or a .pdf path."""
        path, chosen = QFileDialog.getSaveFileName(parent, "Export run report", suggested,
                                                   ";;".join(REPORT_FILTERS))
        if path and not path.lower().endswith(tuple(REPORT_FILTERS.values())):
            path += REPORT_FILTERS.get(chosen, ".html")
        return path or None

    def save_csv_path(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Export loss history", suggested, CSV_FILTER)
        if path and not path.lower().endswith(".csv"):
            path += ".csv"
        return path or None

    def ask_restore(self, parent: QWidget, what: str) -> bool | None:
        """Restore an autosave after a crash? True restore, False discard, None ask again later."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "Restore the last session?",
                          f"rnnlab did not close normally last time. It kept {what}. Restore it?",
                          buttons.Yes | buttons.Discard | buttons.Ignore, parent)
        box.button(buttons.Yes).setText("Restore")
        box.button(buttons.Ignore).setText("Later")
        answer = box.exec()
        return {buttons.Yes: True, buttons.Discard: False}.get(answer)

    def ask_save_changes(self, parent: QWidget) -> str:
        """'save', 'discard' or 'cancel' for unsaved training progress."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            parent, "Unsaved training", "The model has trained since it was last saved. Save it?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def show_shortcuts(self, parent: QWidget, text: str) -> None:
        QMessageBox.information(parent, "Keyboard shortcuts", text)

    def show_about(self, parent: QWidget, text: str) -> None:
        QMessageBox.about(parent, "About rnnlab", text)
