"""Lessons in the window: the shipped ones open, a saved one comes back the same, bad files are refused."""

import pytest
from PySide6.QtWidgets import QPushButton
from window_helpers import child

from rnnlab.core.io.lesson import read_lesson
from rnnlab.gui import MainWindow
from rnnlab.gui.window.lessons import SHIPPED, open_lesson

LESSONS = sorted(SHIPPED.glob("*.rnnlab-lesson"))


def test_three_lessons_are_shipped():
    assert len(LESSONS) == 3
    assert {read_lesson(p).title for p in LESSONS} >= {"Hello world in 10 seconds",
                                                       "Why LSTMs remember: the copy task"}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_shipped_lesson_sets_up_the_window(window, path, qtbot):
    lesson = read_lesson(path)
    assert open_lesson(window, str(path))
    corpus = window.data_panel.corpus()
    assert str(corpus.source) == lesson.corpus
    model = window.model_panel.model_config(len(corpus.vocab))
    assert {k: getattr(model, k) for k in lesson.model} == lesson.model
    train = window.training_panel.train_config("cpu")
    assert {k: getattr(train, k) for k in lesson.training} == lesson.training
    assert window.training_panel.budget_spec() == lesson.budget
    sample = window.sampling_panel.settings()
    assert (sample.prime, sample.length, sample.temperature) == (
        lesson.sampling["prime"], lesson.sampling["length"], lesson.sampling["temperature"])
    assert window.hidden_panels() == lesson.hide
    assert window.explain.tabText(window.explain.currentIndex()).lower() == lesson.view
    assert lesson.title in window.message_bar.text()
    racing = window.race_window is not None and window.race_window.isVisible()
    assert racing == (lesson.race is not None)
    if lesson.race:
        ticked = [c for c, check in window.race_window.controls.cell_checks.items() if check.isChecked()]
        assert ",".join(ticked) == lesson.race["cells"]
        assert window.race_window.controls.seconds() == lesson.race["seconds"]
        assert window.race_window.prime_edit.text() == lesson.sampling["prime"]
    window.show_all_panels()
    assert window.hidden_panels() == ()


def test_save_and_reopen_gives_the_same_lesson_and_model(window, answers, tmp_path, qtbot):
    window.data_panel.use_text("abcabd abcabd\n" * 300, "my text")
    window.model_panel.set_config(window.model_panel.model_config(8).__class__(
        vocab_size=len(window.data_panel.corpus().vocab), cell="gru", hidden=12, layers=1))
    window.training_panel.set_budget({"seconds": 42})
    window.sampling_panel.set_settings({"prime": "ab", "length": 77, "temperature": 0.3, "seed": 5})
    window.panel_boxes["inside"].hide()
    child(window, QPushButton, "stepButton").click()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10_000)
    answers.lesson_path = str(tmp_path / "mine")
    window.save_lesson_dialog()
    saved = tmp_path / "mine.rnnlab-lesson"
    assert window.model_reads("lesson").busy()  # the weights are read between steps, off the GUI thread
    qtbot.waitUntil(saved.exists, timeout=10_000)
    lesson = read_lesson(saved)
    assert lesson.text == "abcabd abcabd\n" * 300 and lesson.corpus is None
    assert lesson.model["cell"] == "gru" and lesson.budget == {"seconds": 42}
    assert lesson.sampling["seed"] == 5 and lesson.hide == ("inside",)
    assert lesson.checkpoint is not None

    other = MainWindow(str(saved))  # as `rnnlab mine.rnnlab-lesson` would
    qtbot.addWidget(other)
    try:
        trainer = other.session.trainer
        assert trainer is not None and trainer.step_count == window.session.trainer.step_count
        assert trainer.model_config == window.session.trainer.model_config
        assert other.session.path is None and not other.session.dirty
        assert other.data_panel.corpus().decode(0, 20) == "abcabd abcabd\nabcabd"
        assert other.hidden_panels() == ("inside",)
        assert other.sampling_panel.settings().length == 77
    finally:
        other.close()


@pytest.mark.parametrize("content", [b"not json at all", b'{"format": "rnnlab-lesson", "version": 1, '
                                     b'"title": "x", "corpus": "/etc/passwd"}'])
def test_a_bad_lesson_is_refused_and_nothing_is_lost(window, answers, tmp_path, qtbot, content):
    child(window, QPushButton, "stepButton").click()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10_000)
    trainer = window.session.trainer
    bad = tmp_path / "bad.rnnlab-lesson"
    bad.write_bytes(content)
    answers.lesson_path = str(bad)
    window.open_lesson_dialog()
    assert "Could not open the lesson bad.rnnlab-lesson" in window.message_bar.text()
    assert window.session.trainer is trainer and answers.asked == 0


def test_cancelling_the_unsaved_prompt_keeps_the_model(window, answers, qtbot):
    child(window, QPushButton, "stepButton").click()
    qtbot.waitUntil(lambda: window.session.dirty, timeout=10_000)
    trainer = window.session.trainer
    answers.unsaved = "cancel"
    assert not open_lesson(window, str(LESSONS[0]))
    assert window.session.trainer is trainer and answers.asked == 1
    answers.unsaved = "discard"  # so that the window can close


def test_leaving_a_lessons_text_ends_the_lesson(window, qtbot):
    panel = window.sampling_panel
    panel.primeEdit.setText("mine")
    before = panel.settings()
    path = next(p for p in LESSONS if read_lesson(p).corpus == "builtin:python")
    assert open_lesson(window, str(path))
    assert panel.primeEdit.text() == "def " and "Lesson:" in window.message_bar.text()
    window.model_panel.apply_preset("tiny")  # a preset that brings its own text
    qtbot.waitUntil(lambda: str(window.data_panel.corpus().source) == "builtin:hello", timeout=10000)
    assert window.message_bar.text() == ""  # no banner of a lesson that is no longer on screen
    assert panel.settings() == before and window.hidden_panels() == ()
