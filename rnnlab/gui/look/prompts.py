"""Every modal dialog the app opens, in one object the tests replace with answers.

The main window holds one (`MainWindow.prompts`); a panel asks `for_widget(self)`, which finds
its window's, so that a panel's dialogs are answered the same way as the window's.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

CHECKPOINT_FILTER = "rnnlab checkpoints (*.rnnlab);;All files (*)"
LESSON_FILTER = "rnnlab lessons (*.rnnlab-lesson);;All files (*)"
TEXT_FILTER = "Text files (*.txt *.md *.py *.csv *.json *.html *.xml);;All files (*)"
SAMPLE_FILTER = "Text files (*.txt);;All files (*)"
PLOT_FILTERS = {"PNG image (*.png)": ".png", "SVG image (*.svg)": ".svg", "CSV data (*.csv)": ".csv"}
PNG_FILTER = "PNG image (*.png)"
REPORT_FILTERS = {"Web page (*.html)": ".html", "PDF document (*.pdf)": ".pdf"}
CSV_FILTER = "CSV data (*.csv);;All files (*)"


def for_widget(widget: QWidget) -> Prompts:
    """The prompts of the widget's window, or the plain dialogs when it has none."""
    found = getattr(widget.window(), "prompts", None)
    return found if isinstance(found, Prompts) else _PLAIN


def _with_suffix(path: str, suffix: str) -> str:
    return path if not path or path.lower().endswith(suffix) else path + suffix


class Prompts:
    def open_text_path(self, parent: QWidget, folder: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open a text", folder, TEXT_FILTER)
        return path or None

    def ask_text(self, parent: QWidget) -> str | None:
        """Text pasted or typed into a small dialog; None when cancelled."""
        text, ok = QInputDialog.getMultiLineText(parent, "Paste text", "Paste or type the text to learn from:")
        return text if ok else None

    def save_sample_path(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save the generated text", suggested, SAMPLE_FILTER)
        return path or None

    def save_plot_path(self, parent: QWidget, suggested: str) -> str | None:
        """Where to export the loss plot: a .png or .svg picture or the .csv loss history."""
        path, chosen = QFileDialog.getSaveFileName(parent, "Export loss plot", suggested, ";;".join(PLOT_FILTERS))
        if path and not path.lower().endswith(tuple(PLOT_FILTERS.values())):
            path += PLOT_FILTERS.get(chosen, ".png")
        return path or None

    def save_png_path(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Export view", suggested, PNG_FILTER)
        return _with_suffix(path, ".png") or None

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

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
        return _with_suffix(path, ".csv") or None

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


_PLAIN = Prompts()
