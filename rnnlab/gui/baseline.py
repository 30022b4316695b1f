"""The n-gram baseline for the loss plot, computed off the GUI thread.

Counting n-grams over a few million characters takes a second or two (numpy, which
releases the GIL for most of it), so a plain Python thread does it and a Qt signal brings
the number back to the GUI thread. Only the latest request counts: a text opened while an
older one is still being counted replaces it.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from rnnlab.core.ngram import NGramError, validation_loss

BASELINE_ORDER = 5  # the best order on tiny-shakespeare (1.67 nats/char)


class BaselineComputer(QObject):
    done = Signal(object, float)  # the corpus, its n-gram validation loss (nats/char)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = None

    def start(self, corpus, max_chars: int | None) -> None:
        self._latest = corpus
        threading.Thread(target=self._work, args=(corpus, max_chars), name="rnnlab-ngram-baseline",
                         daemon=True).start()

    def _work(self, corpus, max_chars: int | None) -> None:
        try:
            loss = validation_loss(corpus, BASELINE_ORDER, max_chars=max_chars)
        except (NGramError, MemoryError):
            return  # too short a text for a baseline: the plot simply has none
        if corpus is self._latest:
            try:
                self.done.emit(corpus, loss)  # queued to the GUI thread (this object lives there)
            except RuntimeError:  # the window closed meanwhile: nobody to tell
                pass
