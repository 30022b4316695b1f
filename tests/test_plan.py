"""The auto schedule: a warm-up, then a cosine to the end of the run's budget; with no
budget, flat after the warm-up; an interrupted run resumes on the same curve."""

import math

import pytest

from rnnlab.core.io.run_state import load_trainer, save_trainer
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import StepEvent
from rnnlab.core.train.optim import schedule_factor
from rnnlab.core.train.plan import Plan
from rnnlab.core.train.trainer import Trainer


def trainer_for(corpus, **train):
    model = ModelConfig(vocab_size=len(corpus.vocab), cell="gru", hidden=16)
    return Trainer(corpus, model, TrainConfig(**{"batch": 4, "seq": 16, "eval_every": 0, "lr": 1e-2,
                                                 "warmup_steps": 10, **train}))


def lrs(trainer, **budget):
    seen = []
    trainer.run(lambda e: seen.append(e.lr) if isinstance(e, StepEvent) else None, **budget)
    return seen


def test_the_auto_factor_warms_up_then_falls_to_the_floor_at_the_end():
    kw = dict(horizon=0, decay_every=1, decay_gamma=1.0, min_factor=0.1, warmup=10)
    assert schedule_factor("auto", 0, **kw, progress=0.0) == pytest.approx(0.1)
    assert schedule_factor("auto", 9, **kw, progress=0.0) == pytest.approx(1.0)
    assert schedule_factor("auto", 50, **kw, progress=0.5) == pytest.approx(0.55)
    assert schedule_factor("auto", 99, **kw, progress=1.0) == pytest.approx(0.1)
    assert schedule_factor("auto", 500, **kw, progress=None) == 1.0  # no budget: flat


def test_a_step_budget_warms_up_then_decays_to_its_last_step(small_corpus):
    seen = lrs(trainer_for(small_corpus), max_steps=60)
    assert seen[0] == pytest.approx(1e-3) and max(seen) == pytest.approx(seen[9], rel=0.05)
    assert all(b < a for a, b in zip(seen[10:], seen[11:]))  # falling after the warm-up
    assert seen[-1] == pytest.approx(1e-2 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * 59 / 60))))


def test_no_budget_is_flat_after_the_warm_up(small_corpus):
    trainer = trainer_for(small_corpus)
    trainer.plan_budget(None)
    seen = [e.lr for _ in range(30) for e in trainer.step() if isinstance(e, StepEvent)]
    assert seen[:10] == pytest.approx([1e-3 * (i + 1) for i in range(10)])
    assert seen[10:] == pytest.approx([1e-2] * 20)


def test_a_time_budget_decays_with_the_training_seconds(small_corpus):
    trainer = trainer_for(small_corpus, warmup_steps=0)
    seen = lrs(trainer, max_seconds=0.5)
    assert seen[0] == pytest.approx(1e-2, rel=0.05) and seen[-1] < 0.2 * 1e-2
    assert trainer.plan.kind == "seconds" and trainer.plan.progress(
        trainer.step_count, trainer.train_seconds, trainer.epoch) == 1.0


def test_an_interrupted_run_resumes_on_the_same_curve(small_corpus, tmp_path):
    straight = trainer_for(small_corpus)
    whole = lrs(straight, max_steps=50)
    first = trainer_for(small_corpus)
    head = []

    def stop_at_20(event):
        head.append(event.lr)
        if first.step_count == 20:
            first.stop()
    first.run(stop_at_20, max_steps=50)
    save_trainer(tmp_path / "half.rnnlab", first)
    resumed = load_trainer(tmp_path / "half.rnnlab", small_corpus)
    assert resumed.plan == first.plan
    tail = lrs(resumed, max_steps=30, plan=False)  # what is left of the saved plan
    assert head + tail == whole
    assert resumed.history.train_loss == straight.history.train_loss
    assert resumed.history.lrs == whole  # the history keeps each step's rate, saved and resumed


def test_a_run_saved_before_rates_were_recorded_resumes_with_them_unknown(small_corpus, tmp_path):
    trainer = trainer_for(small_corpus)
    lrs(trainer, max_steps=5)
    old = trainer.history.to_dict()
    del old["lr"]
    history = type(trainer.history).from_dict(old)
    assert len(history.lrs) == 5 and all(math.isnan(v) for v in history.lrs)
    trainer.history = history
    lrs(trainer, max_steps=3)
    assert len(trainer.history.lrs) == 8 and all(v > 0 for v in trainer.history.lrs[5:])  # aligned with the steps


def test_plans_refuse_what_they_cannot_count():
    with pytest.raises(ValueError):
        Plan("fortnights", 1, 0, 0.0, 0.0)
    with pytest.raises(ValueError):
        Plan("steps", 0, 0, 0.0, 0.0)
