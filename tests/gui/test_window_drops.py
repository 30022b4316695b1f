"""Files dropped on the window go where their kind says: a checkpoint (.rnnlab in any case)
opens as a model, a lesson (.rnnlab-lesson) as a lesson, anything else as the text."""

import shutil
from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from rnnlab.core.io.file_kind import file_kind
from rnnlab.core.io.lesson import read_lesson
from rnnlab.gui.window.lessons import SHIPPED


def _mime(path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def _drop(widget, path) -> None:
    mime = _mime(path)  # the event does not own it: keep it alive while it is read
    widget.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


@pytest.mark.parametrize("name, kind", [
    ("run.rnnlab", "checkpoint"), ("RUN.RNNLAB", "checkpoint"), ("a.rnnlab-lesson", "lesson"),
    ("A.RNNLAB-LESSON", "lesson"), ("notes.txt", "text"), ("rnnlab", "text"), ("x.rnnlab.txt", "text")])
def test_file_kind_by_suffix_in_any_case(name, kind):
    assert file_kind(name) == kind


def test_a_dropped_lesson_opens_as_a_lesson(window, qtbot, tmp_path):
    source = sorted(SHIPPED.glob("*.rnnlab-lesson"))[0]
    path = tmp_path / source.name.upper()  # capitals too
    shutil.copy(source, path)
    lesson = read_lesson(source)
    _drop(window, path)
    qtbot.waitUntil(lambda: window.data_panel.corpus() is not None
                    and str(window.data_panel.corpus().source) == lesson.corpus, timeout=15000)
    assert "Lesson:" in window.message_bar.text()


def test_a_dropped_checkpoint_in_capitals_opens_as_a_model(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10000)
    window.answers.save_path = str(tmp_path / "RUN.RNNLAB")
    assert window.save_checkpoint_as()
    qtbot.waitUntil(lambda: not window.session.dirty, timeout=10000)  # saved between steps
    window.reset_model()
    _drop(window, tmp_path / "RUN.RNNLAB")
    qtbot.waitUntil(lambda: not window.is_opening(), timeout=10000)
    assert window.session.trainer is not None and window.session.trainer.step_count == 1


def test_the_text_panel_leaves_checkpoints_and_lessons_to_the_window(window, tmp_path):
    panel = window.data_panel
    for name, accepted in (("model.RNNLAB", False), ("a.rnnlab-lesson", False), ("notes.txt", True)):
        (tmp_path / name).write_text("some text\n", encoding="utf-8")
        mime = _mime(tmp_path / name)
        event = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        event.ignore()
        panel.dragEnterEvent(event)
        assert event.isAccepted() == accepted, name


def test_ctrl_o_with_a_model_refuses_and_the_text_stays(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10000)
    window.stop_training()
    before = window.data_panel.corpus()
    window.answers.text_path = str(tmp_path / "other.txt")
    (tmp_path / "other.txt").write_text("another text entirely\n" * 50, encoding="utf-8")
    window.actions["open_text_dialog"].trigger()  # Ctrl+O
    assert window.answers.folders == []  # not even asked
    assert "Reset the model" in window.message_bar.text()
    assert window.data_panel.corpus() is before is window.session.trainer.corpus


def test_a_text_too_short_for_the_settings_is_said_when_opened(window):
    window.training_panel.set_config(replace(window.training_panel.train_config("cpu"), batch=32, seq=100))
    assert window.data_panel.use_text("a single line of text that is much too short to train on\n")
    assert "too short for batch 32 x sequence 100" in window.message_bar.text()
