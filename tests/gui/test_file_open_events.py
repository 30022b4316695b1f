"""Files opened from Finder (QFileOpenEvent on the application) open as if dropped on the
window: a lesson as a lesson, a checkpoint as the model, errors in the window's message bar;
one that comes before the window is on screen waits for it."""

import sys

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.lesson import Lesson, write_lesson
from rnnlab.core.io.run_state import save_trainer
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer
from rnnlab.gui import app as app_module
from rnnlab.gui.window import main_window as main_window_module
from rnnlab.gui.window.file_open_events import FileOpenRouter, route_file_open_events


def open_from_finder(path) -> None:
    QCoreApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(path)))


@pytest.fixture
def lesson_file(tmp_path):
    lesson = Lesson(title="Opened from Finder", corpus="builtin:hello",
                    model={"cell": "gru", "hidden": 8, "layers": 1}, budget={"steps": 7})
    return write_lesson(tmp_path / "finder.rnnlab-lesson", lesson)


@pytest.fixture
def checkpoint_file(tmp_path):
    corpus = load_corpus("builtin:hello")
    trainer = Trainer(corpus, ModelConfig(vocab_size=len(corpus.vocab), cell="rnn", hidden=8, layers=1),
                      TrainConfig(batch=4, seq=8, threads=1))
    trainer.run(lambda _event: None, max_steps=3)
    return save_trainer(tmp_path / "finder.rnnlab", trainer)


def test_a_lesson_opens_as_a_lesson(window, qtbot, lesson_file):
    route_file_open_events(QApplication.instance())
    open_from_finder(lesson_file)
    qtbot.waitUntil(lambda: "Lesson: Opened from Finder" in window.message_bar.text(), timeout=15000)
    assert window.model_panel.model_config(10).cell == "gru"


def test_a_checkpoint_opens_as_the_model(window, qtbot, checkpoint_file):
    route_file_open_events(QApplication.instance())
    open_from_finder(checkpoint_file)
    qtbot.waitUntil(lambda: window.session.path == str(checkpoint_file) and not window.is_opening(),
                    timeout=15000)
    trainer = window.session.trainer
    assert trainer.step_count == 3 and trainer.model_config.cell == "rnn"


@pytest.mark.parametrize("name, says", [("broken.rnnlab-lesson", "Could not open the lesson"),
                                        ("broken.rnnlab", "Could not open broken.rnnlab")])
def test_a_bad_file_is_a_message_in_the_window(window, qtbot, tmp_path, name, says):
    route_file_open_events(QApplication.instance())
    (tmp_path / name).write_text("not what it says it is", encoding="utf-8")
    open_from_finder(tmp_path / name)
    qtbot.waitUntil(lambda: says in window.message_bar.text(), timeout=15000)
    assert window.message_bar.level() == "error"


def test_a_file_before_the_window_shows_waits_for_it(window, qtbot, lesson_file):
    router = route_file_open_events(QApplication.instance())
    window.hide()
    open_from_finder(lesson_file)
    assert router.waiting() == (str(lesson_file),)
    with qtbot.waitSignal(router.retry.timeout, timeout=5000):
        pass  # it looked again and found no window: it still waits
    assert router.waiting() == (str(lesson_file),) and "Lesson:" not in window.message_bar.text()
    window.show()
    qtbot.waitUntil(lambda: "Lesson: Opened from Finder" in window.message_bar.text(), timeout=15000)
    assert router.waiting() == () and not router.retry.isActive()


def test_the_command_lines_file_repeated_at_launch_opens_once(window, qtbot, lesson_file):
    app = QApplication.instance()
    router = FileOpenRouter(app, argv=["gui", str(lesson_file)])  # runs before the shared one
    try:
        open_from_finder(lesson_file)  # Cocoa's copy of the command line: the window has it already
        assert "Lesson:" not in window.message_bar.text()
        open_from_finder(lesson_file)  # a real double-click later
        qtbot.waitUntil(lambda: "Lesson: Opened from Finder" in window.message_bar.text(), timeout=15000)
    finally:
        app.removeEventFilter(router)
        router.deleteLater()


def test_routing_is_installed_once(qapp):
    assert route_file_open_events(qapp) is route_file_open_events(qapp)


class _Window(QMainWindow):
    opened: list = []

    def __init__(self, text=None):
        super().__init__()

    def show_message(self, text, kind="info"):
        pass

    def open_file(self, path):
        self.opened.append(path)


def test_the_app_routes_finder_files_to_its_window(qapp, qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(main_window_module, "MainWindow", _Window)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    _Window.opened = []
    assert app_module.main() == 0
    window = next(w for w in qapp.topLevelWidgets() if isinstance(w, _Window) and w.isVisible())
    qtbot.addWidget(window)
    open_from_finder(tmp_path / "x.rnnlab")
    qtbot.waitUntil(lambda: _Window.opened == [str(tmp_path / "x.rnnlab")])
    window.close()
