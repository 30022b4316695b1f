"""GUI tests: settings go to a throw-away INI file, never the user's own."""

import pytest
from window_helpers import Answers

from rnnlab.gui import MainWindow
from rnnlab.gui.look import settings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    settings.use_settings_file(tmp_path / "settings.ini")
    yield
    settings.use_settings_file(None)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The main window on builtin:hello with the tiny preset; dialogs answered by Answers.
    No periodic samples (on in the app: tests/gui/test_auto_sample.py): a test's own
    Generate must not meet one under way."""
    answers = Answers()
    monkeypatch.setattr(MainWindow, "prompts", answers)
    win = MainWindow("builtin:hello")
    win.answers = answers
    win.model_panel.apply_preset("tiny")
    win.sampling_panel.autoSampleCheck.setChecked(False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    assert win.session.thread is None, "a training thread was left running"
    assert not win.sampling.thread.isRunning(), "the sampling thread was left running"


@pytest.fixture
def answers(window):
    """The window's dialog answers, to set before an action asks."""
    return window.answers
