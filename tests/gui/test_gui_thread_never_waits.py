"""While training runs, periodic samples and autosaves copy the weights between steps, and
the wait for the step in progress happens in their own threads: never in the GUI thread
(which would stop painting for up to a whole step, 50-100 ms for the classroom model)."""

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QPushButton
from window_helpers import child


class RecordingLock:
    """The session's step lock, noting which threads took it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.takers: set[str] = set()

    def __enter__(self):  # a QThread is a "Dummy-N" to threading: its Qt name says which
        gui = threading.current_thread() is threading.main_thread()
        self.takers.add("GUI" if gui else QThread.currentThread().objectName() or threading.current_thread().name)
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)


def test_samples_and_autosaves_while_training_never_wait_in_the_gui_thread(window, qtbot):
    lock = RecordingLock()
    window.session._step_lock = lock  # before the first start: every worker gets this one
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(30)
    panel.autoSampleCheck.setChecked(True)
    panel.autoSampleSpin.setValue(panel.autoSampleSpin.minimum())
    every = panel.auto_sample_every()
    child(window, QPushButton, "trainButton").click()
    trainer = lambda: window.session.trainer  # noqa: E731
    qtbot.waitUntil(lambda: trainer() is not None and trainer().step_count >= 3 * every, timeout=30_000)
    qtbot.waitUntil(lambda: panel.text().count("— step") >= 2 and not panel.is_generating(), timeout=30_000)
    saver = window.autosaver
    assert saver.save_now() and saver.wait() and saver.folder.latest.exists()
    assert trainer().step_count > 0 and window.session.state == "running"
    window.toggle_training()  # pause
    assert "GUI" not in lock.takers
    assert {"samplingThread", "rnnlab-autosave"} <= lock.takers, lock.takers
    assert window.thread() is QThread.currentThread()  # the GUI thread is the main thread
