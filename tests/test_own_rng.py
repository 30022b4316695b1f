"""Each trainer draws from its own random numbers and leaves the process's alone: a race or
a checkpoint opened in the window must not change the masks, weights or thread count of
another trainer running in the same process."""

import threading

import torch

from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import StepEvent
from rnnlab.core.train.trainer import Trainer


def dropout_trainer(corpus, seed=5, **train):
    model = ModelConfig(vocab_size=len(corpus.vocab), cell="lstm", hidden=16, layers=2, dropout=0.5)
    return Trainer(corpus, model, TrainConfig(**{"batch": 4, "seq": 16, "eval_every": 0, "seed": seed, **train}))


def step_losses(trainer, n):
    return [e.loss for _ in range(n) for e in trainer.step() if isinstance(e, StepEvent)]


def test_a_new_trainer_leaves_the_global_generator_and_threads_alone(small_corpus):
    torch.manual_seed(123)
    before = torch.get_rng_state()
    threads = torch.get_num_threads()
    target = 2 if threads == 1 else 1
    dropout_trainer(small_corpus, threads=target)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.get_num_threads() == threads


def test_same_seed_same_first_weights_another_seed_other_weights(small_corpus):
    a, b, c = (dropout_trainer(small_corpus, seed=s).model.state_dict() for s in (5, 5, 6))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_another_trainer_and_a_reseed_do_not_change_a_trainers_dropout_masks(small_corpus):
    alone = step_losses(dropout_trainer(small_corpus), 6)
    mine = dropout_trainer(small_corpus)
    mixed = []
    for i in range(3):
        mixed += step_losses(mine, 2)
        other = dropout_trainer(small_corpus, seed=100 + i)  # a race's contender, a checkpoint
        step_losses(other, 1)
        torch.manual_seed(999 + i)
    assert mixed == alone


def test_a_learning_rate_set_while_the_step_takes_the_last_one_is_not_lost(small_corpus):
    trainer = dropout_trainer(small_corpus)
    trainer.set_lr(0.01)

    class Racing(type(trainer)):
        """Another thread calls set_lr(0.5) just as step() takes the pending rate."""
        @property
        def _pending_lr(self):
            value = self.__dict__["_pending"]
            reads.append(value)
            if len(reads) == 2:  # step() read it, and now takes it: between the read and the clear
                setter.start()
                setter.join(0.2)  # the unlocked code sets it now; the locked one waits for the step
            return value

        @_pending_lr.setter
        def _pending_lr(self, value):
            self.__dict__["_pending"] = value

    trainer.__dict__["_pending"] = 0.01
    reads = []
    setter = threading.Thread(target=trainer.set_lr, args=(0.5,))
    trainer.__class__ = Racing
    trainer.step()
    setter.join()
    trainer.step()
    assert trainer.base_lr == 0.5
