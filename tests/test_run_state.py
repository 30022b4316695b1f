"""Checkpoints of whole training runs: exact resume, loading for sampling, resuming elsewhere."""

import math

import torch

from rnnlab.core.io.checkpoint import read_metadata
from rnnlab.core.io.run_state import corpus_for, load_model, load_trainer, save_trainer
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import StepEvent
from rnnlab.core.train.trainer import Trainer


def make_trainer(corpus, **train):
    model = ModelConfig(vocab_size=len(corpus.vocab), cell="lstm", hidden=16, layers=2, dropout=0.2)
    config = TrainConfig(**{"batch": 4, "seq": 16, "eval_every": 40, "seed": 3, **train})
    return Trainer(corpus, model, config)


def run_steps(trainer, n):
    return [e.loss for _ in range(n) for e in trainer.step() if isinstance(e, StepEvent)]


def test_resume_is_exact(small_corpus, tmp_path):
    """200 steps straight == 100 + save + load + 100 (dropout, Adam and carried state included)."""
    straight = run_steps(make_trainer(small_corpus), 200)
    first = make_trainer(small_corpus)
    head = run_steps(first, 100)
    path = tmp_path / "half.rnnlab"
    save_trainer(path, first)
    torch.manual_seed(999)  # disturb the global RNG: the run draws from its own, saved with it
    resumed = load_trainer(path, small_corpus)
    tail = run_steps(resumed, 100)
    assert head + tail == straight
    assert resumed.step_count == 200
    assert resumed.history.train_loss == straight
    assert [s for s, _ in resumed.history.evals] == [40, 80, 120, 160, 200]


def test_checkpoint_opens_for_sampling_with_its_metadata(small_corpus, tmp_path):
    trainer = make_trainer(small_corpus)
    run_steps(trainer, 5)
    path = save_trainer(tmp_path / "m.rnnlab", trainer)
    model, vocab, meta = load_model(path)
    assert not model.training
    assert vocab.chars == small_corpus.vocab.chars
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(model.state_dict()[k], v)
    assert meta["counters"]["step"] == 5
    assert read_metadata(path)["model"]["cell"] == "lstm"


def test_resume_with_other_windows_starts_a_fresh_epoch(small_corpus, tmp_path):
    trainer = make_trainer(small_corpus)
    run_steps(trainer, 7)
    save_trainer(tmp_path / "m.rnnlab", trainer)
    resumed = load_trainer(tmp_path / "m.rnnlab", small_corpus, batch=2, seq=8, lr=1e-3)
    assert resumed.hidden is None and resumed.batcher.position == 0
    assert resumed.step_count == 7 and resumed.config.batch == 2
    assert all(math.isfinite(v) for v in run_steps(resumed, 3))


def test_resume_finds_its_text_file_again(tmp_path, small_corpus):
    text_file = tmp_path / "words.txt"
    text_file.write_text(small_corpus.decode(0, small_corpus.n_chars), encoding="utf-8")
    from rnnlab.core.data.corpus import load_corpus

    trainer = make_trainer(load_corpus(text_file))
    run_steps(trainer, 2)
    save_trainer(tmp_path / "m.rnnlab", trainer)
    meta = read_metadata(tmp_path / "m.rnnlab")
    assert meta["corpus"]["source"] == str(text_file.resolve())
    again = corpus_for(meta)
    assert again.vocab.chars == trainer.corpus.vocab.chars and again.n_chars == trainer.corpus.n_chars


def test_resume_on_builtin_corpus(tmp_path):
    from rnnlab.core.data.corpus import load_corpus

    trainer = make_trainer(load_corpus("builtin:counting,length=5000"))
    run_steps(trainer, 2)
    save_trainer(tmp_path / "m.rnnlab", trainer)
    resumed = load_trainer(tmp_path / "m.rnnlab")
    assert resumed.corpus.name.startswith("builtin:counting")
    assert resumed.step_count == 2


def test_a_moved_text_falls_back_to_another_source(tmp_path, small_corpus):
    from rnnlab.core.data.corpus import load_corpus

    text_file = tmp_path / "gone.txt"
    text_file.write_text(small_corpus.decode(0, small_corpus.n_chars), encoding="utf-8")
    trainer = make_trainer(load_corpus(text_file))
    save_trainer(tmp_path / "m.rnnlab", trainer)
    copy = tmp_path / "copy.txt"
    text_file.rename(copy)
    meta = read_metadata(tmp_path / "m.rnnlab")
    again = corpus_for(meta, fallback=str(copy))
    assert again.name == "copy.txt" and again.vocab.chars == trainer.corpus.vocab.chars
