"""Autosave and recovery: a window that did not close cleanly leaves its model, and the next
launch offers it back; a clean close leaves nothing."""

import json
import os
import shutil

import pytest
from PySide6.QtWidgets import QPushButton
from window_helpers import Answers, child

from rnnlab.core.io.autosave import MARKER, autosave_root, leftovers
from rnnlab.gui import MainWindow
from rnnlab.gui.window.autosaver import offer_restore


def _train(window, qtbot, steps=3):
    child(window, QPushButton, "stepButton").click()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10_000)
    for _ in range(steps - 1):
        n = window.session.trainer.step_count
        window.step_once()
        qtbot.waitUntil(lambda n=n: window.session.trainer.step_count > n, timeout=10_000)


def _crash(window):
    """As if the process died: its folder stays, and its lock is free (as the system frees a
    dead process's locks)."""
    folder = window.autosaver.folder.folder
    window.autosaver.folder.lock.release()
    dead = folder.with_name(f"999999999-{folder.name.split('-')[1]}")
    folder.rename(dead)
    window.autosaver.folder.folder = dead.with_name("gone")  # the closing window must not tidy it
    return dead


def test_autosave_writes_a_copy_only_when_the_model_has_trained(window, qtbot):
    saver = window.autosaver
    assert (saver.folder.folder / MARKER).exists()
    assert not saver.save_now()  # no model yet
    _train(window, qtbot)
    assert saver.save_now() and saver.wait() and saver.folder.latest.exists()
    assert not saver.save_now()  # nothing new since
    assert window.session.path is None  # the session's own file is untouched


def test_a_crashed_session_is_offered_back_at_the_next_launch(window, qtbot, monkeypatch):
    _train(window, qtbot, steps=4)
    assert window.autosaver.save_now() and window.autosaver.wait()
    steps = window.session.trainer.step_count
    dead = _crash(window)
    [found] = leftovers()
    assert found.folder == dead and found.step == steps
    answers = Answers()
    answers.restore = True
    monkeypatch.setattr(MainWindow, "prompts", answers)
    again = MainWindow("builtin:hello")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.session.trainer is not None, timeout=10_000)
    assert answers.offered and f"step {steps}" in answers.offered[0]
    assert again.session.trainer.step_count == steps
    assert again.session.dirty and again.session.path is None  # restored, not saved anywhere yet
    assert "Restored" in again.message_bar.text()
    assert not dead.exists() and leftovers() == []
    again.session.dirty = False
    again.close()


@pytest.mark.parametrize("answer, kept", [(False, False), (None, True)])
def test_discard_or_later(window, qtbot, answer, kept):
    _train(window, qtbot)
    assert window.autosaver.save_now() and window.autosaver.wait()
    dead = _crash(window)
    window.answers.restore = answer
    assert not offer_restore(window)
    assert dead.exists() == kept


def test_a_clean_close_leaves_nothing_and_a_new_best_is_kept(window, qtbot):
    _train(window, qtbot)
    saver = window.autosaver
    saver._on_session_evaluated(type("E", (), {"val_loss": 1.5, "step": 200})())
    assert saver.wait() and saver.folder.best.exists()
    marker = json.loads((saver.folder.folder / MARKER).read_text())
    assert marker["pid"] > 0
    window.session.dirty = False
    window.close()
    assert list(autosave_root().iterdir()) == []


def test_two_crashed_sessions_the_older_is_kept_not_deleted(window, qtbot):
    _train(window, qtbot)
    assert window.autosaver.save_now() and window.autosaver.wait()
    dead = _crash(window)
    older = dead.with_name(f"999999998-{dead.name.split('-')[1]}x")
    shutil.copytree(dead, older)
    for path in older.iterdir():
        os.utime(path, (path.stat().st_mtime - 3600,) * 2)  # an hour older
    window.answers.restore = False  # discard the newest
    assert not offer_restore(window)
    assert "1 older session, kept for later" in window.answers.offered[0]
    assert not dead.exists() and older.exists()
    assert [found.folder for found in leftovers()] == [older]  # offered at the next launch
