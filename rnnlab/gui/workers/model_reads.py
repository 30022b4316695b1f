"""ModelReads: read the session's model without the GUI thread ever waiting for a step.

    request(read, then, fail)
        no worker alive -> then(read(trainer)) at once (nothing can step meanwhile)
        a worker alive  -> read(trainer) between two steps, in this reader's own thread,
                           then `then(result)` in the GUI thread
        read raised     -> fail(exception), either way

One reader per purpose (saving, a report, each view's copy): a newer request replaces one
still waiting, and an answer for a model that was replaced meanwhile is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from rnnlab.gui.workers.latest_job import LatestJob


class ModelReads(QObject):
    def __init__(self, session, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._jobs = LatestJob(name, self)
        self._jobs.done.connect(self._on_done)

    def request(self, read: Callable, then: Callable, fail: Callable[[Exception], None]) -> None:
        session = self._session
        trainer = session.trainer
        if trainer is None:
            fail(ValueError("there is no model yet"))
            return
        if session.can_read_now():
            self._jobs.cancel()
            try:
                result = read(trainer)
            except Exception as exc:  # noqa: BLE001 - the requester says what went wrong
                fail(exc)
                return
            then(result)
            return
        job = session.between_steps_later(read)
        self._jobs.submit((trainer, then, fail), lambda _progress: job())

    def busy(self) -> bool:
        """True while an answer is still to come."""
        return self._jobs.busy()

    def shutdown(self) -> bool:
        return self._jobs.shutdown()

    def _on_done(self, key, result, error) -> None:
        trainer, then, fail = key
        if trainer is not self._session.trainer:
            return  # the model was replaced (reset, opened) while it was read
        if error is not None:
            fail(error)
        else:
            then(result)
