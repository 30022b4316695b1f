"""LatestOnly: run a short computation on a Python thread, deliver its result to the GUI
thread through a Qt signal, and drop results that a newer request has made stale.

For work of a second or two that mostly runs in numpy (which releases the GIL): an n-gram
count, a memorisation search. A QThread per job would be heavier than the job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class LatestOnly(QObject):
    done = Signal(object, object)  # the request's key, the result

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._latest = None

    def start(self, key, job: Callable[[], object], expected: tuple = ()) -> None:
        """Run job() in the background; exceptions of the `expected` kinds mean "no result"."""
        self._latest = key
        threading.Thread(target=self._work, args=(key, job, expected), name=self._name, daemon=True).start()

    def _work(self, key, job: Callable[[], object], expected: tuple) -> None:
        try:
            result = job()
        except expected:
            return
        if key is self._latest:
            try:
                self.done.emit(key, result)  # queued to the GUI thread (this object lives there)
            except RuntimeError:  # the window closed meanwhile: nobody to tell
                pass
