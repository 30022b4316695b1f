"""TextLoader: the row that shows a big text file loading on a thread (the stage in words,
a busy bar, Cancel) while the window stays live. The thread is a LatestJob's.

    DataPanel.open_path(big file) -> loader.start(key, what, make)
        thread: make(progress) -> load_corpus(..., progress=...) -> Corpus or the error
        progress(stage) -> stage signal -> "Loading notes.txt (104 MB): counting characters…"
    <- done(key, Corpus | None, the exception | None), in the GUI thread, current load only

Cancel hides the row at once; the thread notices at its next stage and stops, and its
result is dropped; so is the result of a load that a newer one replaced. Reading, counting
and encoding release the GIL for most of their time (file I/O, numpy), so the GUI thread
keeps painting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from rnnlab.gui.workers.latest_job import LatestJob, Progress

BACKGROUND_BYTES = 4 * 2**20  # files larger than this load in the background (~0.1 s and up)


class TextLoader(QWidget):
    done = Signal(object, object, object)  # key, Corpus (None on error), the exception (None on success)
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
        self._what = ""
        self.jobs = LatestJob("rnnlab-text-loader", self)
        self.jobs.progressed.connect(self._on_progressed)
        self.jobs.done.connect(self._on_done)
        self.hide()

    def is_loading(self) -> bool:
        return self.jobs.busy()

    def start(self, key, what: str, make: Callable[[Progress], object]) -> None:
        """Run make(progress) on a thread; `what` names the text in the progress line. A
        newer load replaces an older one."""
        self._what = what
        self._show_stage("starting")
        self.show()
        self.jobs.submit(key, make)

    def cancel(self) -> None:
        self.jobs.cancel()
        self.hide()

    def _on_progressed(self, _key, stage: str) -> None:
        self._show_stage(stage)
        self.stage.emit(stage)

    def _on_done(self, key, corpus, error) -> None:
        self.hide()
        self.done.emit(key, corpus, error)

    def _show_stage(self, stage: str) -> None:
        self.label.setText(f"Loading {self._what}: {stage}…")
