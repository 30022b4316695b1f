"""The baseline line says what it measured, and its number is the n-gram loss on exactly the
validation characters the window's own validation scores."""

from types import SimpleNamespace

import pytest

from rnnlab.core.analysis.ngram import validation_loss
from rnnlab.gui.panels.training_panel import GUI_EVAL_CHARS
from rnnlab.gui.workers.baseline import BASELINE_FIT_CHARS, BASELINE_ORDER, baseline_label


@pytest.mark.parametrize("n_train, n_val, max_chars, note", [
    (9_000, 1_000, 30_000, ""),
    (900_000, 100_001, 30_000, "\nfirst 30k of 100k validation chars"),
    (900_000, 100_001, None, ""),
    (BASELINE_FIT_CHARS + 1, 1_000, 30_000, "\nfitted on the last 4M"),
    (BASELINE_FIT_CHARS + 1, 100_001, 30_000,
     "\nfirst 30k of 100k validation chars; fitted on the last 4M"),
])
def test_the_label_says_what_was_measured(n_train, n_val, max_chars, note):
    corpus = SimpleNamespace(n_train=n_train, n_val=n_val)
    assert baseline_label(corpus, max_chars) == f"{BASELINE_ORDER}-gram baseline{note}"


def test_the_windows_line_scores_what_its_validation_scores(window, qtbot):
    window.data_panel.load_source("builtin:counting,length=400000")
    corpus = window.data_panel.corpus()
    assert corpus.n_val - 1 > GUI_EVAL_CHARS
    qtbot.waitUntil(lambda: window.loss_plot.baseline() is not None, timeout=30000)
    assert window.loss_plot.baseline() == validation_loss(corpus, BASELINE_ORDER, max_chars=GUI_EVAL_CHARS,
                                                          max_train_chars=BASELINE_FIT_CHARS)
    note = f"first 30k of {(corpus.n_val - 1) / 1000:.3g}k validation chars"
    assert note in window.loss_plot.baseline_label()
    qtbot.waitUntil(lambda: note in window.loss_plot.baseline_note(), timeout=5000)  # the legend entry's tooltip
