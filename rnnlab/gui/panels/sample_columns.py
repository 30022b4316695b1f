"""SampleColumns: several samples streaming side by side, each from its own thread.

    start([(model, vocab, settings), ...])
        -> column k: SamplingWorker k in its own QThread -> chunk(str) ... finished / failed
        -> appended to the column's QPlainTextEdit as it arrives

Used by the temperature view (one model, several temperatures) and the race window (one
model per contender). Threads are made on the first start and kept (one per column ever
shown); `shutdown()` ends them all within SHUTDOWN_MS.

Restarting while columns still run: each busy worker is told to stop and its slot
remembers how many old generations are still to report; their late chunks and their
end signal are dropped (a worker's signals arrive in the order they were sent), so the
new columns only ever show the new text.
"""

from __future__ import annotations

import time

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from rnnlab.core.nn.sampler import SampleSettings
from rnnlab.gui.look import theme
from rnnlab.gui.workers.sampling_worker import CHUNK_INTERVAL, SHUTDOWN_MS, shutdown, start_sampling_thread


class _Slot(QObject):
    """One column's worker, its thread, and the GUI-thread end of its signals.

    Lives in the GUI thread, so the worker's signals reach these slots queued, in order.
    """

    request = Signal(object, object, object)  # model, vocab, settings -> worker.generate (queued)

    def __init__(self, columns: SampleColumns, index: int) -> None:
        super().__init__(columns)
        self.columns, self.index = columns, index
        self.thread, self.worker = start_sampling_thread(chunk_interval=columns.chunk_interval)
        self.thread.setObjectName(f"{columns._prefix}Thread{index}")
        self.request.connect(self.worker.generate)
        self.worker.chunk.connect(self.on_chunk)
        self.worker.finished.connect(self.on_finished)
        self.worker.failed.connect(self.on_failed)
        self.busy = False  # the current generation has not reported its end yet
        self.stale = 0  # older generations still to report (their signals are dropped)
        self.retired = False  # shut down: whatever still arrives is dropped

    def start(self, model, vocab, settings: SampleSettings) -> None:
        if self.busy:  # restart: the old generation ends soon; ignore what it still sends
            self.worker.stop()
            self.stale += 1
        self.busy = True
        self.request.emit(model, vocab, settings)

    def abandon(self) -> None:
        """Stop the current generation and drop what it still sends (column went away)."""
        if self.busy:
            self.worker.stop()
            self.stale += 1
            self.busy = False

    def retire(self) -> None:
        """After shutdown: chunks already on their way must not reach a later generation."""
        self.retired, self.busy = True, False
        self.deleteLater()

    @Slot(str)
    def on_chunk(self, text: str) -> None:
        if not self.stale and self.busy and not self.retired:
            self.columns._append(self.index, text)

    @Slot(str)
    def on_finished(self, reason: str) -> None:
        if not self._end_of_stale():
            self.busy = False
            self.columns._column_ended(None)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        if not self._end_of_stale():
            self.busy = False
            self.columns._column_ended(message)

    def _end_of_stale(self) -> bool:
        if self.retired:
            return True
        if self.stale:
            self.stale -= 1
            return True
        return False


class SampleColumns(QtWidgets.QSplitter):
    """Equal-width columns, each a title over a read-only text that generated text streams into."""

    chunk_received = Signal(int, str)  # column, new characters (after they are shown)
    running_changed = Signal(bool)
    failed = Signal(str)  # a column ended with this message

    def __init__(self, name: str, prefix: str, parent: QtWidgets.QWidget | None = None,
                 chunk_interval: float = CHUNK_INTERVAL) -> None:
        """`name` is this widget's objectName; column k's are PREFIXHeaderk and PREFIXOutputk."""
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName(name)
        self._prefix = prefix
        self.setChildrenCollapsible(False)
        self.chunk_interval = chunk_interval
        self._slots: list[_Slot] = []
        self._columns: list[tuple[QtWidgets.QLabel, QtWidgets.QPlainTextEdit]] = []
        self._running = False
        app = QCoreApplication.instance()
        if app is not None:  # never leave a running QThread behind at exit
            app.aboutToQuit.connect(self.shutdown)

    def set_titles(self, titles: list[tuple[str, str]], colors: list[str] | None = None) -> None:
        """One column per (title, tooltip), cleared; widgets are reused when the count is
        unchanged. `colors` tint the titles (e.g. to match plot curves)."""
        if len(titles) != len(self._columns):
            for index in range(self.count() - 1, -1, -1):
                widget = self.widget(index)
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
            self._columns = [self._new_column(index) for index in range(len(titles))]
            self.setSizes([1000] * len(titles))  # equal widths
        for k, ((title, out), (text, tip)) in enumerate(zip(self._columns, titles)):
            title.setText(text)
            title.setToolTip(tip)
            title.setStyleSheet(f"color: {colors[k]};" if colors else "")
            out.clear()

    def _new_column(self, index: int) -> tuple[QtWidgets.QLabel, QtWidgets.QPlainTextEdit]:
        prefix = self._prefix
        box = QtWidgets.QWidget()
        title = QtWidgets.QLabel(objectName=f"{prefix}Header{index}")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        out = QtWidgets.QPlainTextEdit(objectName=f"{prefix}Output{index}", readOnly=True)
        theme.follow_mono_font(out)  # never smaller than the UI font (larger when presenting)
        out.setMinimumWidth(40)
        out.setMinimumHeight(80)
        column = QtWidgets.QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(title)
        column.addWidget(out, 1)
        self.addWidget(box)
        return title, out

    # ---- running ------------------------------------------------------------------------

    def start(self, jobs: list[tuple[object, object, SampleSettings]]) -> None:
        """Column k generates with jobs[k] = (model, vocab, settings); models are only read.
        Call set_titles with as many titles first."""
        while len(self._slots) < len(jobs):
            self._slots.append(_Slot(self, len(self._slots)))
        for slot in self._slots[len(jobs):]:
            slot.abandon()  # a column that went away
        for slot, (model, vocab, settings) in zip(self._slots, jobs):
            slot.start(model, vocab, settings)
        self._set_running(bool(jobs))

    def stop(self) -> None:
        """Ask every column to stop after its current character (they report back)."""
        for slot in self._slots:
            slot.worker.stop()

    def is_running(self) -> bool:
        return self._running

    def outputs(self) -> list[str]:
        return [out.toPlainText() for _, out in self._columns]

    def threads(self) -> list[QtCore.QThread]:
        """The sampling threads made so far (for tests and diagnostics)."""
        return [slot.thread for slot in self._slots]

    def shutdown(self, timeout_ms: int = SHUTDOWN_MS) -> bool:
        """Stop every column and end every thread, waiting at most timeout_ms in all; True if
        all ended. A later start makes fresh threads."""
        for slot in self._slots:  # all stop and quit at once, then each is waited for
            slot.worker.stop()
            slot.thread.quit()
        deadline = time.monotonic() + timeout_ms / 1000
        ended = True
        for slot in self._slots:
            left = max(0, int((deadline - time.monotonic()) * 1000))
            ended = shutdown(slot.thread, slot.worker, left) and ended
        if ended:
            for slot in self._slots:
                slot.retire()
            self._slots = []
        self._set_running(False)
        return ended

    # ---- from the slots (GUI thread) ----------------------------------------------------

    def _append(self, index: int, text: str) -> None:
        if not text or index >= len(self._columns):
            return
        out = self._columns[index][1]
        bar = out.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 2
        cursor = QtGui.QTextCursor(out.document())
        cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if follow:
            bar.setValue(bar.maximum())
        self.chunk_received.emit(index, text)

    def _column_ended(self, message: str | None) -> None:
        if message:
            self.failed.emit(message)
        if not any(slot.busy for slot in self._slots):
            self._set_running(False)

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)
