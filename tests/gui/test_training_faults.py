"""Training faults in the app: the guard acts as documented, the window says what happened
and keeps working."""

import math

import torch
from PySide6.QtWidgets import QLabel, QPushButton
from window_helpers import child

from rnnlab.core.nn.model import ModelConfig


def _rnn(window, hidden=64):
    vocab = len(window.data_panel.corpus().vocab)
    window.model_panel.set_config(ModelConfig(vocab, "rnn", hidden, 1))


def test_learning_rate_10_on_a_vanilla_rnn_pauses_with_a_message(window, qtbot):
    _rnn(window)
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10_000)
    window.session.set_lr(10.0)  # beyond the spin box's range: as a script or a typo might
    window.toggle_training()
    qtbot.waitUntil(lambda: "training paused" in window.message_bar.text(), timeout=20_000)
    qtbot.waitUntil(lambda: window.session.state == "paused", timeout=10_000)
    message = window.message_bar.text()
    assert "training paused" in message and "Lower the learning rate" in message
    assert child(window, QPushButton, "trainButton").text() == "Resume"
    window.session.set_lr(1e-3)  # the user follows the advice; the app goes on
    steps = window.session.trainer.step_count
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count > steps, timeout=10_000)
    window.stop_training()


def test_nan_gradients_are_skipped_then_the_last_good_weights_restored(window, qtbot):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10_000)
    trainer = window.session.trainer
    lr = trainer.base_lr
    weight = trainer.model.decoder.weight
    hook = weight.register_hook(lambda grad: torch.full_like(grad, math.nan))
    window.toggle_training()
    qtbot.waitUntil(lambda: "restored the last good weights" in window.message_bar.text(), timeout=20_000)
    window.session.pause()
    qtbot.waitUntil(lambda: window.session.state == "paused", timeout=10_000)
    hook.remove()
    assert trainer.base_lr <= lr / 2
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    steps = trainer.step_count
    window.toggle_training()  # without the fault, training goes on
    qtbot.waitUntil(lambda: trainer.step_count > steps, timeout=10_000)
    window.stop_training()


def test_a_text_of_one_repeated_character_trains_and_says_there_is_nothing_to_learn(window, qtbot):
    assert window.data_panel.use_text("a" * 5000, "one letter")
    warning = child(window, QLabel, "dataWarningLabel")
    assert warning.isVisibleTo(window) and "only one distinct character" in warning.text()
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count == 1,
                    timeout=10_000)
    assert window.session.trainer.history.train_loss == [0.0]
    assert window.message_bar.text() == "" or window.message_bar.isHidden()


def test_a_model_too_large_for_memory_is_refused_in_the_window(window, monkeypatch):
    from rnnlab.core.train import memory

    monkeypatch.setattr(memory, "available_bytes", lambda: 2**30)  # a 1 GB machine
    vocab = len(window.data_panel.corpus().vocab)
    window.model_panel.set_config(ModelConfig(vocab, "lstm", 1024, 8))  # ~4 GB to train
    window.toggle_training()
    assert "would need about" in window.message_bar.text() and "1.0 GB is free" in window.message_bar.text()
    assert window.session.trainer is None and window.session.state == "idle"


def test_a_worker_that_outlives_its_stop_is_waited_for_at_quit(window, qtbot, monkeypatch):
    import threading

    from rnnlab.core.train.trainer import Trainer

    in_step, release = threading.Event(), threading.Event()
    real_step = Trainer.step

    def long_step(self):  # one step far longer than a stop waits for
        if not release.is_set():
            in_step.set()
            release.wait(30)
        return real_step(self)

    monkeypatch.setattr(Trainer, "step", long_step)
    window.toggle_training()
    assert in_step.wait(10)
    thread = window.session.thread
    assert not window.session.shutdown(timeout_ms=50)  # retired: still in its step
    assert thread.isRunning()
    release.set()
    window.close()  # closing waits for it: no QThread may outlive the window
    assert thread.isFinished() and window.session.end_retired(timeout_ms=0)
