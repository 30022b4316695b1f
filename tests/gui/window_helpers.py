"""What the window tests share: modal dialogs answered by the test, and finding widgets."""

import threading

from PySide6.QtCore import QThread

from rnnlab.gui.look.prompts import Prompts


class Answers(Prompts):
    """Modal dialogs answered by the test."""

    def __init__(self):
        self.save_path = None
        self.open_path = None
        self.unsaved = "discard"
        self.asked = 0
        self.report_path = self.csv_path = None
        self.suggested = []  # names offered by the export dialogs
        self.lesson_path = None
        self.include_model = True
        self.restore = None  # a crashed session's autosave: None = "later"
        self.offered = []
        self.text_path = None  # File > Open text, the Text panel's Open…
        self.folders = []  # the folders the open-text dialogs started in
        self.pasted = None  # the Paste dialog's text: None = cancelled
        self.sample_path = self.plot_path = self.png_path = None
        self.warnings = []  # (title, text) of each warning shown

    def open_text_path(self, parent, folder=""):
        self.folders.append(folder)
        return self.text_path

    def ask_text(self, parent):
        return self.pasted

    def save_sample_path(self, parent, suggested):
        self.suggested.append(suggested)
        return self.sample_path

    def save_plot_path(self, parent, suggested):
        self.suggested.append(suggested)
        return self.plot_path

    def save_png_path(self, parent, suggested):
        self.suggested.append(suggested)
        return self.png_path

    def warn(self, parent, title, text):
        self.warnings.append((title, text))

    def save_checkpoint_path(self, parent, suggested):
        return self.save_path

    def save_report_path(self, parent, suggested):
        self.suggested.append(suggested)
        return self.report_path

    def save_csv_path(self, parent, suggested):
        self.suggested.append(suggested)
        return self.csv_path

    def open_checkpoint_path(self, parent):
        return self.open_path

    def ask_save_changes(self, parent):
        self.asked += 1
        return self.unsaved

    def open_lesson_path(self, parent, folder):
        return self.lesson_path

    def save_lesson_path(self, parent, suggested):
        return self.lesson_path

    def ask_include_model(self, parent):
        return self.include_model

    def ask_restore(self, parent, what):
        self.offered.append(what)
        return self.restore


def child(win, cls, name):
    widget = win.findChild(cls, name)
    assert widget is not None, name
    return widget


def answers(copy):
    """A view's model request (step_walk.ModelRequest) that answers `copy` at once."""
    return lambda then, fail: then(copy)


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
