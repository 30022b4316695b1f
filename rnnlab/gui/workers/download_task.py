"""DownloadTask: one download of a catalogue text on a Python thread (the network waits
there, never in the GUI thread), reported back through queued signals.

Every signal carries the task itself, so a window that has moved on (a cancelled task whose
thread still waits for a stalled server) can ignore what an old task says. Cancelling only
sets a flag: the thread stops at its next chunk and deletes its part file; nothing waits.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal

from rnnlab.core import logs
from rnnlab.core.data.downloads import DownloadInfo, download
from rnnlab.core.errors import DownloadError

PROGRESS_INTERVAL = 0.05  # s: at most 20 progress signals a second


class DownloadTask(QObject):
    progressed = Signal(object, object, object)  # task, bytes done, total bytes (None: unknown)
    finished = Signal(object, str, str)  # task, "done" | "failed" | "cancelled", message

    def __init__(self, info: DownloadInfo, base_url: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self._base_url = base_url
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._work, name=f"rnnlab-download-{info.name}",
                                        daemon=True)
        self._last_progress = 0.0

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the thread; True when it has ended."""
        if self._thread.is_alive():
            self._thread.join(seconds)
        return not self._thread.is_alive()

    def _on_progress(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL or done == total:
            self._last_progress = now
            self._emit(self.progressed, self, done, total)

    def _work(self) -> None:
        try:
            download(self.info, progress=self._on_progress, cancelled=self._cancel.is_set,
                     base_url=self._base_url)
        except DownloadError as err:
            self._emit(self.finished, self, "cancelled" if err.reason == "cancelled" else "failed",
                       str(err))
        except Exception as err:  # noqa: BLE001 - nothing may escape a worker; show it instead
            self._emit(self.finished, self, "failed",
                       logs.unexpected(f"Unexpected error while downloading {self.info.title}", err))
        else:
            self._emit(self.finished, self, "done", "")

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)  # queued to the GUI thread, where this object lives
        except RuntimeError:  # the window closed meanwhile: nobody to tell
            pass
