"""TextLoader: a big text file loads on a Python thread while the window stays live.

    DataPanel.open_path(big file) -> loader.start(make, key)
        thread: make(progress) -> load_corpus(..., progress=...) -> Corpus or the error
        progress(stage) -> stage signal -> "Loading notes.txt (104 MB): counting characters…"
    <- done(key, Corpus | Exception), in the GUI thread

Cancel hides the row at once; the thread notices at its next stage and stops, and its
result is dropped. Reading, counting and encoding release the GIL for most of their time
(file I/O, numpy), so the GUI thread keeps painting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

BACKGROUND_BYTES = 4 * 2**20  # files larger than this load in the background (~0.1 s and up)


class LoadCancelled(Exception):
    """Raised in the loading thread at the next stage after Cancel."""


class TextLoader(QWidget):
    done = Signal(object, object)  # key, Corpus or the exception that ended the load
    stage = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textLoader")
        self.label = QLabel(objectName="textLoaderLabel", wordWrap=True)
        self.bar = QProgressBar(objectName="textLoaderBar")
        self.bar.setRange(0, 0)  # busy: the stages are shown in words
        self.bar.setMaximumHeight(12)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", objectName="textLoaderCancelButton")
        self.cancel_button.setToolTip("Stop loading; the text shown before stays")
        column = QVBoxLayout(self)  # the stage in words above, the busy bar and Cancel below
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.label)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        self.cancel_button.clicked.connect(self.cancel)
        self.stage.connect(self._on_stage)
        self._key = None
        self._what = ""
        self._cancel = threading.Event()
        self.hide()

    def is_loading(self) -> bool:
        return self._key is not None

    def start(self, key, what: str, make: Callable[[Callable[[str], None]], object]) -> None:
        """Run make(progress) on a thread; `what` names the text in the progress line."""
        self.cancel()  # one load at a time: a newer one replaces an older one
        self._key, self._what, self._cancel = key, what, threading.Event()
        self._on_stage("starting")
        self.show()
        threading.Thread(target=self._work, args=(key, make, self._cancel), daemon=True,
                         name="rnnlab-text-loader").start()

    def cancel(self) -> None:
        self._cancel.set()
        self._key = None
        self.hide()

    def _work(self, key, make, cancelled: threading.Event) -> None:
        def progress(stage: str) -> None:
            if cancelled.is_set():
                raise LoadCancelled
            self.stage.emit(stage)

        try:
            result = make(progress)
        except LoadCancelled:
            return
        except Exception as exc:  # noqa: BLE001 - every failure reaches the panel as a message
            result = exc
        if not cancelled.is_set():
            try:
                self.done.emit(key, result)  # queued to the GUI thread
            except RuntimeError:  # the window closed meanwhile
                pass

    def finish(self, key) -> bool:
        """Called by the panel with a done() key: True if it is the current load (then the
        row hides); False for a stale or cancelled one."""
        if key is None or key is not self._key:
            return False
        self._key = None
        self.hide()
        return True

    def _on_stage(self, stage: str) -> None:
        self.label.setText(f"Loading {self._what}: {stage}…")
