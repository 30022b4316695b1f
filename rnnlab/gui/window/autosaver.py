"""Autosaver: while a model trains, copies of it go to this app's autosave folder (every
AUTOSAVE_MS, and whenever validation reaches a new best); after a crash or a kill, the next
launch offers the newest copy back. A clean exit removes the folder.

Each copy is written on a short-lived thread: it waits there for the training step in
progress (up to ~100 ms) and for the disk (the fsyncs), so the window never does.
"""

from __future__ import annotations

import math
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from rnnlab.core.io.autosave import SessionFolder, discard, leftovers
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.io.run_state import save_trainer
from rnnlab.gui.window.interface import WindowInterface
from rnnlab.gui.workers.gui_threads import keep_to_one_torch_thread

AUTOSAVE_MS = 3 * 60 * 1000
BEST_MIN_STEPS = 100  # a new best is saved at most once per this many steps


class Autosaver(QObject):
    _failed = Signal(str)  # from a saving thread: what went wrong (queued to the GUI thread)

    def __init__(self, window: WindowInterface) -> None:
        super().__init__(window)
        self.window = window
        self._saving: dict[str, threading.Thread] = {}  # file name -> its saving thread
        self._failed.connect(self._on_failed)
        self.folder = SessionFolder()
        self.saved_step: int | None = None
        self.best_loss, self.best_step = math.inf, -BEST_MIN_STEPS
        self.failed = False  # the user has been told once
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_now)
        try:
            self.folder.begin()
        except OSError as exc:
            self._tell(f"Autosave is off: cannot write {self.folder.folder} ({exc}).")
            return
        self.timer.start()
        window.session.evaluated.connect(self._on_session_evaluated)
        window.session.model_replaced.connect(self._on_session_model_replaced)

    def save_now(self) -> bool:
        """Start copying the model to the autosave folder if it trained since the last
        copy; True when a copy started (wait() for it)."""
        trainer = self.window.session.trainer
        if trainer is None or trainer.step_count in (0, self.saved_step):
            return False
        if self._save(self.folder.latest):
            self.saved_step = trainer.step_count
            return True
        return False

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait for the copies being written; True when none is left."""
        for thread in list(self._saving.values()):
            thread.join(timeout)
        return not any(t.is_alive() for t in self._saving.values())

    def end(self) -> None:
        """A clean exit: the autosaves are not needed any more."""
        self.timer.stop()
        self.wait()  # a copy still being written would land in the removed folder
        self.folder.end()

    def _on_session_evaluated(self, event) -> None:
        if event.val_loss < self.best_loss and event.step - self.best_step >= BEST_MIN_STEPS:
            if self._save(self.folder.best):
                self.best_loss, self.best_step = event.val_loss, event.step

    def _on_session_model_replaced(self, _trainer) -> None:
        self.saved_step, self.best_loss, self.best_step = None, math.inf, -BEST_MIN_STEPS

    def _save(self, path) -> bool:
        """Start writing a copy to `path` on its own thread (not when one is still at it)."""
        busy = self._saving.get(path.name)
        if busy is not None and busy.is_alive():
            return False
        session = self.window.session
        if session.trainer is None:
            return False
        job = session.between_steps_later(lambda trainer: save_trainer(str(path), trainer))
        thread = threading.Thread(target=self._write, args=(job,), name="rnnlab-autosave", daemon=True)
        self._saving[path.name] = thread
        thread.start()
        return True

    def _write(self, job) -> None:
        """In the saving thread."""
        keep_to_one_torch_thread()
        try:
            job()
        except (CheckpointError, OSError, ValueError) as exc:
            try:
                self._failed.emit(str(exc))
            except RuntimeError:  # the window has gone meanwhile
                pass

    def _on_failed(self, error: str) -> None:
        self.saved_step = None  # try again at the next tick
        self._tell(f"Autosave failed: {error}. Save your work with File > Save.")

    def _tell(self, message: str) -> None:
        if not self.failed:
            self.failed = True
            self.window.show_message(message, "warning")


def offer_restore(window: WindowInterface) -> bool:
    """At launch: if an earlier rnnlab did not exit cleanly and left a model, offer it back.
    True when it is being restored (read in the opening thread)."""
    found = leftovers()
    if not found:
        return False
    newest, older = found[0], len(found) - 1
    # one model at a time: the newest is offered now, older ones stay for the next launches
    what = newest.describe() + (f" (and {older} older session{'s' if older > 1 else ''}, kept for later)"
                                if older else "")
    answer = window.prompts.ask_restore(window, what)
    if answer is None:  # "later": keep it for the next launch
        return False
    if not answer:
        discard(newest)
        return False

    def restored() -> None:
        discard(newest)
        window.session.path = None  # never save back into the autosave folder
        window.session.dirty = True  # it is not saved anywhere yet
        window.update_title()
        window.show_message(
            f"Restored {newest.describe()} after rnnlab did not close normally. "
            "Save it (Ctrl+S) to keep it.", "info")
    # on failure the message bar says why, and the copy stays for the next launch
    return window.open_checkpoint(str(newest.path), then=restored)
