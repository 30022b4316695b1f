import math
import threading
import time

import pytest
import torch

from rnnlab.core.data.corpus import CorpusError
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import EvalEvent, StepEvent, WarningEvent
from rnnlab.core.train.optim import OPTIMIZERS, schedule_factor
from rnnlab.core.train.trainer import Trainer


def make_trainer(corpus, cell="lstm", **train):
    model = ModelConfig(vocab_size=len(corpus.vocab), cell=cell, hidden=16, layers=2)
    return Trainer(corpus, model, TrainConfig(**{"batch": 4, "seq": 16, "eval_every": 0, **train}))


def losses(trainer, n):
    return [e.loss for _ in range(n) for e in trainer.step() if isinstance(e, StepEvent)]


def test_same_seed_repeats_exactly_and_another_seed_differs(small_corpus):
    a = losses(make_trainer(small_corpus, seed=7), 15)
    b = losses(make_trainer(small_corpus, seed=7), 15)
    c = losses(make_trainer(small_corpus, seed=8), 15)
    assert a == b
    assert a != c


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_training_lowers_validation_loss(small_corpus, cell):
    trainer = make_trainer(small_corpus, cell=cell, lr=1e-2)
    before = trainer.evaluate().val_loss
    losses(trainer, 150)
    after = trainer.evaluate()
    assert isinstance(after, EvalEvent)
    assert after.val_loss < before - 0.5
    assert after.val_bpc == pytest.approx(after.val_loss / math.log(2))


def test_one_step_is_one_step(small_corpus):
    trainer = make_trainer(small_corpus)
    events = trainer.step()
    assert [type(e) for e in events] == [StepEvent]
    step = events[0]
    assert (step.step, step.chars_seen, trainer.step_count) == (1, 64, 1)
    assert step.grad_norm > 0 and step.chars_per_s > 0 and 0 < step.epoch < 1
    assert trainer.history.train_loss == [step.loss]


def test_eval_every_emits_eval_events(small_corpus):
    trainer = make_trainer(small_corpus, eval_every=3)
    kinds = [type(e).__name__ for _ in range(6) for e in trainer.step()]
    assert kinds.count("EvalEvent") == 2
    assert [s for s, _ in trainer.history.evals] == [3, 6]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_trains(small_corpus, optimizer):
    trainer = make_trainer(small_corpus, optimizer=optimizer, lr=0.05 if optimizer == "sgd" else 5e-3)
    got = losses(trainer, 30)
    assert all(math.isfinite(v) for v in got)
    assert sum(got[-5:]) < sum(got[:5])


def test_schedules():
    kw = dict(horizon=100, decay_every=10, decay_gamma=0.5)
    assert schedule_factor("constant", 50, **kw) == 1.0
    assert schedule_factor("cosine", 0, **kw) == 1.0
    assert schedule_factor("cosine", 50, **kw) == pytest.approx(0.525)
    assert schedule_factor("cosine", 500, **kw) == pytest.approx(0.05)
    assert schedule_factor("step", 25, **kw) == 0.25


def test_live_learning_rate_change_applies_at_the_next_step(small_corpus):
    trainer = make_trainer(small_corpus, lr=1e-3, schedule="constant")
    assert trainer.step()[0].lr == 1e-3
    trainer.set_lr(4e-3)
    assert trainer.step()[0].lr == 4e-3
    assert trainer.optimizer.param_groups[0]["lr"] == 4e-3
    with pytest.raises(ValueError):
        trainer.set_lr(0)


def test_pause_resume_stop_from_another_thread(small_corpus, monkeypatch):
    trainer = make_trainer(small_corpus)
    entered, left = threading.Event(), threading.Event()
    real_wait = trainer.wait_until_resumed

    def observed_wait():  # tells the test when the loop has finished its step and waits
        entered.set()
        real_wait()
        left.set()

    monkeypatch.setattr(trainer, "wait_until_resumed", observed_wait)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("why", trainer.run(lambda e: None)))
    thread.start()
    deadline = time.monotonic() + 10
    while trainer.step_count < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    trainer.pause()
    assert entered.wait(10)  # the step in flight has finished; the loop waits
    frozen = trainer.step_count
    assert not left.is_set() and trainer.step_count == frozen and trainer.paused
    trainer.resume()
    while trainer.step_count < frozen + 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert trainer.step_count >= frozen + 3
    trainer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and result["why"] == "stopped"


def test_stop_wakes_a_paused_run(small_corpus):
    trainer = make_trainer(small_corpus)
    trainer.pause()
    thread = threading.Thread(target=trainer.run, args=(lambda e: None,))
    thread.start()
    trainer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and trainer.step_count == 0


def test_budgets(small_corpus):
    trainer = make_trainer(small_corpus)
    assert trainer.run(lambda e: None, max_steps=5) == "budget" and trainer.step_count == 5
    assert trainer.run(lambda e: None, max_steps=2) == "budget" and trainer.step_count == 7
    trainer.run(lambda e: None, max_epochs=1.0)
    assert trainer.epoch >= 1.0
    start = trainer.train_seconds
    trainer.run(lambda e: None, max_seconds=0.2)
    assert trainer.train_seconds - start >= 0.2


def poison_every_forward(trainer, count):
    """Make the next `count` forward passes produce NaN logits."""
    remaining = {"n": count}

    def hook(module, inputs, output):
        if remaining["n"] > 0:
            remaining["n"] -= 1
            return output * float("nan")
        return output

    return trainer.model.decoder.register_forward_hook(hook)


def test_non_finite_step_is_skipped_with_a_warning(small_corpus):
    trainer = make_trainer(small_corpus)
    trainer.step()
    weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    handle = poison_every_forward(trainer, 1)
    events = trainer.step()
    handle.remove()
    assert [(type(e), e.kind) for e in events] == [(WarningEvent, "nonfinite")]
    assert trainer.step_count == 1
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(v, weights[k])
    assert isinstance(trainer.step()[0], StepEvent)


def test_three_non_finite_steps_restore_and_halve_the_lr(small_corpus):
    trainer = make_trainer(small_corpus, lr=2e-3)
    for _ in range(3):
        trainer.step()
    snapshot = {k: v.clone() for k, v in trainer.snapshot._model.items()}
    with torch.no_grad():  # corrupt the live weights: a restore must bring the snapshot back
        trainer.model.decoder.bias.add_(1.0)
    handle = poison_every_forward(trainer, 3)
    events = [e for _ in range(3) for e in trainer.step()]
    handle.remove()
    assert [e.kind for e in events] == ["nonfinite", "nonfinite", "nonfinite", "restored"]
    assert trainer.base_lr == pytest.approx(1e-3)
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(v, snapshot[k])
    assert all(math.isfinite(v) for v in losses(trainer, 3))


def test_exploding_loss_pauses_with_a_warning(small_corpus):
    trainer = make_trainer(small_corpus)
    trainer.step()
    trainer.guard.first_loss = 0.1  # pretend the run started far lower
    events = trainer.step()
    assert [type(e) for e in events] == [StepEvent, WarningEvent]
    assert events[1].kind == "exploding" and "paused" in events[1].message
    assert trainer.paused
    assert trainer.run(lambda e: None, max_steps=10, block_on_pause=False) == "paused"


def test_text_too_short_for_the_batch_is_refused(small_corpus):
    with pytest.raises(CorpusError, match="too short for batch 512"):
        make_trainer(small_corpus, batch=512, seq=64)


def test_snapshot_model_is_a_detached_copy(small_corpus):
    trainer = make_trainer(small_corpus)
    copy = trainer.snapshot_model()
    trainer.step()
    assert not torch.equal(copy.decoder.weight, trainer.model.decoder.weight.cpu())
    assert not copy.training
