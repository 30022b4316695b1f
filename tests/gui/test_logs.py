"""Unexpected errors keep their message in the window, go with their traceback to a rotating
log in the data folder, and the message points to it; a background helper that fails says so."""

from rnnlab.core import logs
from rnnlab.core.analysis.ngram import NGramError
from rnnlab.core.train.trainer import Trainer
from rnnlab.gui.workers import baseline


def test_a_training_error_is_logged_with_its_traceback_and_the_message_says_where(window, qtbot, monkeypatch):
    def broken_step(self):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(Trainer, "step", broken_step)
    window.toggle_training()
    qtbot.waitUntil(lambda: "the disk caught fire" in window.message_bar.text(), timeout=10000)
    text = window.message_bar.text()
    assert "training stopped: RuntimeError: the disk caught fire" in text
    assert str(logs.log_path()) in text
    log = logs.log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "broken_step" in log and "the disk caught fire" in log


def test_a_baseline_that_cannot_be_made_says_why(window, qtbot, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise NGramError("the training text is too short for order 5")

    monkeypatch.setattr(baseline, "validation_loss", refuse)
    window.data_panel.use_text("some text to learn from, long enough to open\n" * 10)
    qtbot.waitUntil(lambda: "No n-gram baseline line" in window.statusBar().currentMessage(), timeout=10000)
    assert "too short for order 5" in window.statusBar().currentMessage()
    assert window.loss_plot.baseline() is None
