"""While training runs, periodic samples and autosaves copy the weights between steps, and
the wait for the step in progress happens in their own threads: never in the GUI thread
(which would stop painting for up to a whole step, 50-100 ms for the classroom model)."""

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QPushButton
from window_helpers import RecordingLock, child

from rnnlab.gui.explain.step_walk import READING


def test_samples_and_autosaves_while_training_never_wait_in_the_gui_thread(window, qtbot):
    lock = RecordingLock()
    window.session._step_lock = lock  # before the first start: every worker gets this one
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(30)
    panel.autoSampleCheck.setChecked(True)
    panel.autoSampleSpin.setValue(panel.autoSampleSpin.minimum())  # a sample every second of training
    child(window, QPushButton, "trainButton").click()
    trainer = lambda: window.session.trainer  # noqa: E731
    qtbot.waitUntil(lambda: panel.text().count("— step") >= 2 and not panel.is_generating(), timeout=30_000)
    saver = window.autosaver
    assert saver.save_now() and saver.wait() and saver.folder.latest.exists()
    assert trainer().step_count > 0 and window.session.state == "running"
    window.toggle_training()  # pause
    assert "GUI" not in lock.takers
    assert {"samplingThread", "rnnlab-autosave"} <= lock.takers, lock.takers
    assert window.thread() is QThread.currentThread()  # the GUI thread is the main thread


def test_every_read_of_a_training_model_waits_for_its_step_off_the_gui_thread(window, qtbot, tmp_path):
    """Temperature, Step through, Next char, report export, Save and Save as lesson, while
    training runs: each reads the model between steps in a thread of its own."""
    lock = RecordingLock()
    window.session._step_lock = lock
    window.sampling_panel.sampleLengthSpin.setValue(40)
    child(window, QPushButton, "trainButton").click()
    session = window.session
    qtbot.waitUntil(lambda: session.trainer is not None and session.trainer.step_count >= 3, timeout=30_000)
    tabs = window.explain
    tabs.temperature.length_spin.setValue(20)
    assert tabs.temperature.generate()
    qtbot.waitUntil(lambda: tabs.temperature.outputs() and not tabs.temperature.is_running(), timeout=30_000)
    tabs.step_through.reset()  # this model is too big to step through: it says so once it has the copy
    qtbot.waitUntil(lambda: tabs.step_through.message() not in ("", READING), timeout=30_000)
    window.sampling.generate(window.sampling_panel.settings())
    qtbot.waitUntil(lambda: len(window.sampling_panel.last_sample()) == 40, timeout=30_000)
    tabs.show_view(tabs.next_char)
    tabs.next_char_source.setCurrentIndex(1)  # the last sample, probed between steps
    qtbot.waitUntil(lambda: tabs.next_char.probe()[0] is not None, timeout=30_000)
    window.answers.report_path = str(tmp_path / "live.html")
    window.answers.save_path = str(tmp_path / "live.rnnlab")
    window.answers.lesson_path = str(tmp_path / "live")
    window.export_run_report()
    window.save_checkpoint_as()
    window.save_lesson_dialog()
    for written in ("live.html", "live.rnnlab", "live.rnnlab-lesson"):
        qtbot.waitUntil((tmp_path / written).exists, timeout=30_000)
    assert session.state == "running"
    window.stop_training()
    assert "GUI" not in lock.takers, lock.takers
    reads = {f"rnnlab-read-{p}" for p in ("temperature", "step-through", "next-char", "report", "save", "lesson")}
    assert reads <= lock.takers, lock.takers


def test_opening_a_checkpoint_reads_it_and_fills_the_views_off_the_gui_thread(window, qtbot, tmp_path, monkeypatch):
    import rnnlab.gui.window.checkpoint_actions as actions
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10_000)
    window.stop_training()
    window.answers.save_path = str(tmp_path / "run.rnnlab")
    assert window.save_checkpoint_as() and not window.session.dirty
    loaded_in = []
    real_load = actions.load

    def recording_load(path, fallback):
        loaded_in.append(threading.current_thread() is threading.main_thread())
        return real_load(path, fallback)
    monkeypatch.setattr(actions, "load", recording_load)
    lock = RecordingLock()
    window.session._step_lock = lock
    window.explain.show_view(window.explain.gradients)  # its flow is a backward pass
    assert window.open_checkpoint(str(tmp_path / "run.rnnlab"))
    qtbot.waitUntil(lambda: not window.is_opening() and window.session.trainer is not None, timeout=10_000)
    qtbot.waitUntil(lambda: {"rnnlab-probe", "rnnlab-gradients"} <= lock.takers, timeout=10_000)
    assert loaded_in == [False] and "GUI" not in lock.takers
    window.explain.show_view(window.heatmap)
    qtbot.waitUntil(lambda: window.heatmap.current_array() is not None, timeout=10_000)
