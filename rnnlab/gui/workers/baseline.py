"""The n-gram baseline for the loss plot and the memorisation meter for samples, both
computed off the GUI thread (a second or two of numpy counting on a big text)."""

from __future__ import annotations

from rnnlab.core.analysis.memorisation import measure_text
from rnnlab.core.analysis.ngram import NGramError, validation_loss
from rnnlab.gui.workers.latest_job import LatestJob

BASELINE_ORDER = 5  # the best order on tiny-shakespeare (1.67 nats/char)
# Fitted on at most this many training characters (the last ones), so that a huge text costs
# seconds and a fraction of a GB beside training, not minutes and gigabytes (docs/reliability.md).
BASELINE_FIT_CHARS = 4_000_000
BASELINE_EXPECTED = (NGramError, MemoryError)  # too short a text, or too big: no line
MEMORISATION_EXPECTED = (MemoryError,)


def result_or_none(result, error: Exception | None, expected: tuple[type[Exception], ...]):
    """A LatestJob's answer: the result, or None after a failure of the `expected` kinds.
    Any other failure is a bug: it is raised, so its traceback reaches stderr."""
    if error is None:
        return result
    if isinstance(error, expected):
        return None
    raise error


def start_baseline(computer: LatestJob, corpus, max_chars: int | None) -> None:
    """done(corpus, (loss, label), error): the corpus's n-gram validation loss in nats/char,
    scored on the validation characters the window's own validation scores, and the line's
    label, which says what was measured."""
    def job(progress):  # progress: a newer text or a closing window stops the count between orders
        loss = validation_loss(corpus, BASELINE_ORDER, max_chars=max_chars, max_train_chars=BASELINE_FIT_CHARS,
                               progress=progress)
        return loss, baseline_label(corpus, max_chars)
    computer.submit(corpus, job)


def baseline_label(corpus, max_chars: int | None = None) -> str:
    """The baseline line's name, and on a second line, when only part of the text was used: the first
    `max_chars` validation characters scored (as the window's validation does, so that the
    two compare; `rnnlab ngram` scores all of them), the last characters of a big text counted."""
    parts = []
    scored = corpus.n_val - 1  # the targets: val[1:]
    if max_chars is not None and scored > max_chars:
        parts.append(f"first {_short(max_chars)} of {_short(scored)} validation chars")
    if corpus.n_train > BASELINE_FIT_CHARS:
        parts.append(f"fitted on the last {_short(BASELINE_FIT_CHARS)}")
    return f"{BASELINE_ORDER}-gram baseline" + (f"\n{'; '.join(parts)}" if parts else "")


def _short(n: int) -> str:
    """30,000 -> '30k', 199,999 -> '200k', 4,000,000 -> '4M'."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.3g}{suffix}"
    return f"{n:,}"


# The memorisation meter searches the whole training text; past this many characters a
# search would take too long and too much memory for each sample (docs/reliability.md).
MEMORISATION_MAX_CHARS = 16_000_000


def start_memorisation(computer: LatestJob, sample: str, corpus) -> str | None:
    """done((sample, corpus), MemorisationReport, error); or, for a training text too big
    to search, no search and a sentence saying so."""
    if corpus.n_train > MEMORISATION_MAX_CHARS:
        return (f"Copied from the training text: not checked (it has {corpus.n_train / 1e6:.0f}M "
                f"characters; the check covers up to {MEMORISATION_MAX_CHARS / 1e6:.0f}M).")
    # progress: a newer sample's search cancels this one at its next step, not at its end
    computer.submit((sample, corpus), lambda progress: measure_text(sample, corpus, progress=progress))
    return None
