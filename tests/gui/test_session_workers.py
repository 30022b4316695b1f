"""The session and its workers' threads: whose signals count, and who sets torch's threads."""

import gc
import os

import pytest
import torch
from PySide6.QtCore import QCoreApplication, QObject, Signal

from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.gui.workers.training_session import TrainingSession
from rnnlab.gui.workers.training_worker import others_training, start_training_thread, stop_training_thread


def new_session(corpus) -> TrainingSession:
    session = TrainingSession()
    model = ModelConfig(vocab_size=len(corpus.vocab), cell="gru", hidden=16)
    session.ensure_trainer(corpus, model, TrainConfig(batch=4, seq=16, eval_every=0))
    return session


def test_signals_a_reset_worker_left_queued_reach_nobody_even_once_it_is_gone(qtbot, small_corpus):
    session = new_session(small_corpus)
    after_reset = []
    session.start()
    qtbot.waitUntil(lambda: session.trainer.step_count >= 3, timeout=20_000)
    old = session.worker
    session.reset()  # the worker's last metrics and its finished are still queued here
    session.metrics.connect(after_reset.append)
    session.state_changed.connect(after_reset.append)
    old.metrics.emit({"steps": [1]})  # one more, from the worker itself, after the reset
    del old
    gc.collect()  # the session no longer names it: only what still waits for it keeps it
    QCoreApplication.processEvents()
    assert after_reset == [] and session.state == "idle"
    qtbot.waitUntil(lambda: not session._relays, timeout=5_000)  # dropped at its finished


def test_a_new_model_hears_its_own_worker_not_the_one_before(qtbot, small_corpus):
    session = new_session(small_corpus)
    session.start()
    qtbot.waitUntil(lambda: session.trainer.step_count >= 2, timeout=20_000)
    old = session.worker
    session.reset()
    session.ensure_trainer(small_corpus, session_model(small_corpus), TrainConfig(batch=4, seq=16, eval_every=0))
    heard = []
    session.metrics.connect(heard.append)
    old.metrics.emit({"from": "old"})
    try:
        session.start()
        qtbot.waitUntil(lambda: bool(heard), timeout=20_000)
        assert all(batch.get("from") != "old" for batch in heard)
    finally:
        session.shutdown()


def session_model(corpus):
    return ModelConfig(vocab_size=len(corpus.vocab), cell="lstm", hidden=16)


class Spinner(QObject):
    """A stand-in training loop that runs until told to stop."""
    finished = Signal(str)

    def __init__(self):
        super().__init__()
        self.stopped = False

    def run(self):
        while not self.stopped:
            QCoreApplication.processEvents()
        self.finished.emit("stopped")

    def stop(self):
        self.stopped = True


def test_a_second_training_thread_leaves_torchs_thread_count_to_the_first(qtbot):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs two CPU cores to tell one thread count from another")
    before = torch.get_num_threads()
    first, second = Spinner(), Spinner()
    threads = []
    try:
        assert not others_training()
        threads.append((start_training_thread(first, "first", threads=1), first))
        qtbot.waitUntil(others_training, timeout=5_000)
        assert torch.get_num_threads() == 1
        threads.append((start_training_thread(second, "second", threads=2), second))
        assert torch.get_num_threads() == 1  # the first one's speed must not change under it
    finally:
        for thread, worker in threads:
            assert stop_training_thread(thread, worker)
        torch.set_num_threads(before)
    assert not others_training()
