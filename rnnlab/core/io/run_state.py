"""A trainer to a checkpoint file and back, for sampling, inspecting and exact resume.

Tensors: `model.*` weights, `optim.*` optimizer state, `rng.*` generator states and the
carried `hidden.*` state. JSON metadata: configs, vocabulary, corpus, counters, history.
Resuming restores all of it, so 100 steps + save + load + 100 steps gives the same
losses as 200 steps straight (on a CPU).
"""

from __future__ import annotations

import datetime as _dt
import os

import torch

from rnnlab import __version__
from rnnlab.core.data.corpus import Corpus, CorpusError, is_named_source, load_corpus
from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.io.checkpoint import (
    CheckpointError,
    flatten_state,
    load_checkpoint,
    read_header,
    save_checkpoint,
    unflatten_state,
)
from rnnlab.core.io.run_schema import check_run, tensor_shapes
from rnnlab.core.nn.model import CharRNN, ModelConfig, hidden_from_tensors, hidden_tensors
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.plan import Plan
from rnnlab.core.train.trainer import History, Trainer


def save_trainer(path: str | os.PathLike, trainer: Trainer) -> str:
    tensors = {f"model.{k}": v for k, v in trainer.model.state_dict().items()}
    optim_tensors, optim_meta = flatten_state("optim", trainer.optimizer.state_dict())
    tensors.update(optim_tensors)
    tensors["rng.cpu"] = trainer.rng.cpu_state
    if trainer.rng.cuda_state is not None:
        tensors["rng.cuda"] = trainer.rng.cuda_state
    if trainer.hidden is not None:
        for i, h in enumerate(hidden_tensors(trainer.hidden)):
            tensors[f"hidden.{i}"] = h.float()  # fp32 on disk, whatever the steps computed in
    meta = {**run_metadata(trainer), "optimizer": optim_meta}
    return str(save_checkpoint(path, tensors, meta))


def run_metadata(trainer: Trainer) -> dict:
    """What a run is, as JSON: configs, vocabulary, text, counters, loss history. A
    checkpoint's metadata is this plus the optimizer's layout; reports read either."""
    corpus = trainer.corpus
    return {
        "rnnlab_version": __version__,
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "model": trainer.model_config.to_dict(),
        "train": trainer.config.to_dict(),
        "vocab": corpus.vocab.to_dict(),
        "corpus": {"name": corpus.name, "source": _portable_source(corpus.source),
                   "encoding": corpus.encoding,
                   "n_chars": corpus.n_chars, "val_fraction": corpus.val_fraction},
        "counters": {"step": trainer.step_count, "chars_seen": trainer.chars_seen,
                     "epoch": trainer.epoch,
                     "train_seconds": trainer.train_seconds, "base_lr": trainer.base_lr,
                     "batcher": trainer.batcher.state(), "guard": trainer.guard.state(),
                     "plan": None if trainer.plan is None else trainer.plan.to_dict()},
        "history": trainer.history.to_dict(),
    }


def _portable_source(source) -> str:
    """Built-in and download specs as they are; file paths made absolute so a resume works
    from anywhere."""
    source = str(source)
    return source if is_named_source(source) or not os.path.exists(source) else os.path.abspath(source)


def _model_from(tensors: dict, meta: dict) -> tuple[CharRNN, Vocabulary]:
    try:
        config = ModelConfig.from_dict(meta["model"])
        vocab = Vocabulary.from_dict(meta["vocab"])
        model = CharRNN(config)
        state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
        model.load_state_dict(state)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"the checkpoint's model does not fit its description: {exc}") from None
    return model, vocab


def read_run_metadata(path: str | os.PathLike) -> dict:
    """A run checkpoint's metadata, checked whole (run_schema) from the header alone."""
    meta, shapes = read_header(path)
    check_run(meta, shapes, path, "metadata")
    return meta


def load_model(path: str | os.PathLike, device: str | torch.device = "cpu"
               ) -> tuple[CharRNN, Vocabulary, dict]:
    """The trained model (eval mode), its vocabulary and the checkpoint's metadata."""
    tensors, meta = load_checkpoint(path)
    check_run(meta, tensor_shapes(tensors), path, "model")
    model, vocab = _model_from(tensors, meta)
    return model.to(device).eval(), vocab, meta


def corpus_for(meta: dict, source: str | None = None, encoding: str | None = None,
               fallback: str | None = None) -> Corpus:
    """The text to resume on: `source`, or the one the checkpoint was trained on; when that
    is gone (moved, deleted), `fallback` encoded with the checkpoint's vocabulary."""
    if source is None and fallback is not None:
        try:
            return corpus_for(meta, None, encoding)
        except CorpusError:
            return corpus_for(meta, fallback, encoding)
    info = meta.get("corpus", {})
    source = source or info.get("source")
    if not source:
        raise CheckpointError("the checkpoint does not say which text it was trained on; give one")
    if encoding is None and source == info.get("source") and info.get("encoding") not in (
            None, "builtin", "text", "utf-8", "utf-8-sig", "utf-16"):
        encoding = info["encoding"]
    return load_corpus(source, encoding=encoding, vocab=Vocabulary.from_dict(meta["vocab"]),
                       val_fraction=float(info.get("val_fraction", 0.1)))


def load_trainer(path: str | os.PathLike, corpus: Corpus | None = None,
                 **train_overrides) -> Trainer:
    """A trainer that continues exactly where the saved one stopped."""
    tensors, meta = load_checkpoint(path)
    check_run(meta, tensor_shapes(tensors), path, "trainer")
    model, _ = _model_from(tensors, meta)
    corpus = corpus or corpus_for(meta)
    config = TrainConfig.from_dict({**meta["train"], **train_overrides})
    trainer = Trainer(corpus, model.config, config)
    trainer.model.load_state_dict(model.state_dict())
    optim_state = unflatten_state("optim", tensors, meta["optimizer"])
    trainer.optimizer.load_state_dict(optim_state)
    same_windows = (config.batch, config.seq) == (meta["train"]["batch"], meta["train"]["seq"])
    _restore_counters(trainer, meta, same_windows)
    hidden = [tensors[k].to(trainer.device) for k in ("hidden.0", "hidden.1") if k in tensors]
    if hidden and same_windows:
        trainer.hidden = hidden_from_tensors(model.config.cell, hidden)
    trainer.rng.cpu_state = tensors["rng.cpu"]
    if "rng.cuda" in tensors and trainer.rng.cuda_state is not None:
        trainer.rng.cuda_state = tensors["rng.cuda"]
    return trainer


def _restore_counters(trainer: Trainer, meta: dict, same_windows: bool) -> None:
    counters = meta["counters"]
    trainer.step_count = int(counters["step"])
    trainer.chars_seen = int(counters["chars_seen"])
    trainer.train_seconds = float(counters.get("train_seconds", 0.0))
    trainer.base_lr = float(counters.get("base_lr", trainer.config.lr))
    if same_windows:  # else the stream position means nothing: start a fresh epoch
        trainer.batcher.load_state(counters["batcher"])
    trainer.guard.load_state(counters.get("guard", {}))
    plan = counters.get("plan")
    trainer.plan = Plan.from_dict(plan) if plan else None
    trainer.history = history_from(meta)
    trainer.history.use_window(trainer.step_count, trainer.batcher.chars_per_batch)


def history_from(meta: dict) -> History:
    """The loss history in a run's metadata. Files saved before the window sizes were kept
    get one size for all their steps: the characters seen over the steps taken."""
    history = History.from_dict(meta.get("history", {}))
    counters = meta.get("counters", {})
    steps = int(counters.get("step", 0))
    if not history.windows and steps:
        history.windows = [(0, int(counters.get("chars_seen", 0)) // steps)]
    return history
