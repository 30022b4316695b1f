"""The n-gram baseline for the loss plot and the memorisation meter for samples, both
computed off the GUI thread (a second or two of numpy counting on a big text)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from rnnlab.core.memorisation import measure_text
from rnnlab.core.ngram import NGramError, validation_loss

from .background import LatestOnly

BASELINE_ORDER = 5  # the best order on tiny-shakespeare (1.67 nats/char)


def baseline_computer(parent: QObject | None = None) -> LatestOnly:
    """done(corpus, loss): the corpus's n-gram validation loss in nats/char."""
    return LatestOnly("rnnlab-ngram-baseline", parent)


def start_baseline(computer: LatestOnly, corpus, max_chars: int | None) -> None:
    computer.start(corpus, lambda: validation_loss(corpus, BASELINE_ORDER, max_chars=max_chars),
                   expected=(NGramError, MemoryError))  # too short a text: no line


def start_memorisation(computer: LatestOnly, sample: str, corpus) -> None:
    """done((sample, corpus), MemorisationReport)."""
    computer.start((sample, corpus), lambda: measure_text(sample, corpus), expected=(MemoryError,))
