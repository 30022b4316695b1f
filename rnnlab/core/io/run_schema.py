"""What a run checkpoint must hold, checked before any of it is used.

Every reader (training's resume, sampling, export, inspect, the window, autosave) checks
the whole metadata (required sections, types, ranges) and the tensors' names and shapes
against the model it describes, and refuses a mismatch with one CheckpointError that names
the field: "run.rnnlab is damaged: train.lr must be a number, not 'fast'". A file that
passes can be used without a KeyError, a TypeError or a shape error later on.
"""

from __future__ import annotations

import dataclasses
import math
import os

import torch

from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.plan import Plan

NEEDS = ("metadata", "model", "trainer")  # what the reader will use; each needs more than the last
_TYPES = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}


class _Damaged(Exception):
    """One problem, in words after "is damaged: "."""


def check_run(meta: dict, shapes: dict[str, tuple[str, tuple[int, ...]]], path: str | os.PathLike,
              need: str = "metadata") -> None:
    """Raise CheckpointError unless `meta` and the tensors' {name: (dtype, shape)} make a run
    that `need` ("metadata", "model" or "trainer") can use."""
    try:
        model = _config(meta, "model", ModelConfig)
        _config(meta, "train", TrainConfig)
        _vocab(meta, model.vocab_size)
        _counters(meta, need)
        _history(meta)
        _corpus(meta)
        _model_tensors(shapes, model)
        if need == "trainer":
            if not isinstance(meta.get("optimizer"), dict):
                raise _Damaged("the optimizer's state is missing")
            dtype_shape = shapes.get("rng.cpu")
            if dtype_shape is None or dtype_shape[0] not in ("U8", "torch.uint8") or len(dtype_shape[1]) != 1:
                raise _Damaged("the random number generator's state (rng.cpu) is missing")
    except _Damaged as exc:
        raise CheckpointError(f"{path} is damaged: {exc}") from None


def tensor_shapes(tensors: dict[str, torch.Tensor]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """The {name: (dtype, shape)} of loaded tensors, as read_header gives it for a file."""
    return {name: (str(t.dtype), tuple(t.shape)) for name, t in tensors.items()}


def _section(meta: dict, name: str) -> dict:
    value = meta.get(name)
    if not isinstance(value, dict):
        raise _Damaged(f"its {name} section is missing" if value is None else f"{name} is not a JSON object")
    return value


def _config(meta: dict, name: str, cls):
    section = _section(meta, name)
    for field in dataclasses.fields(cls):
        if field.name not in section:
            continue
        value, kinds = section[field.name], _TYPES.get(str(field.type), (object,))
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds) \
                or (isinstance(value, float) and not math.isfinite(value)):
            raise _Damaged(f"{name}.{field.name} must be {_kind(field.type)}, not {value!r}")
    try:
        return cls.from_dict(section)
    except (TypeError, ValueError) as exc:
        raise _Damaged(f"{name}: {exc}") from None


def _kind(type_name) -> str:
    return {"int": "a whole number", "float": "a number", "str": "a string", "bool": "true or false"}.get(
        str(type_name), str(type_name))


def _vocab(meta: dict, size: int) -> None:
    vocab = _section(meta, "vocab")
    chars = vocab.get("chars")
    if not isinstance(chars, str):  # one character a symbol, as Vocabulary.to_dict writes them
        raise _Damaged(f"vocab.chars must be a string of characters, not {type(chars).__name__}")
    if len(set(chars)) != len(chars):
        raise _Damaged("vocab.chars holds a character twice")
    if len(chars) != size:
        raise _Damaged(f"vocab has {len(chars)} characters but model.vocab_size is {size}")
    folded = vocab.get("folded", 0)
    if not _whole(folded) or folded < 0:
        raise _Damaged(f"vocab.folded must be a whole number >= 0, not {folded!r}")


def _counters(meta: dict, need: str) -> None:
    counters = _section(meta, "counters")
    for key in ("step", "chars_seen"):
        value = counters.get(key)
        if not _whole(value) or value < 0:
            raise _Damaged(f"counters.{key} must be a whole number >= 0, not {value!r}")
    for key, low in (("epoch", 0.0), ("train_seconds", 0.0), ("base_lr", None)):
        value = counters.get(key, 0.0 if low is not None else 1.0)
        if not _number(value) or (low is not None and value < low) or (low is None and value <= 0):
            raise _Damaged(f"counters.{key} must be a {'positive ' if low is None else ''}number, not {value!r}")
    for key in ("batcher", "guard"):
        if key in counters and not isinstance(counters[key], dict):
            raise _Damaged(f"counters.{key} is not a JSON object")
    plan = counters.get("plan")
    if plan is not None:
        try:
            Plan.from_dict(plan)
        except (KeyError, TypeError, ValueError) as exc:
            raise _Damaged(f"counters.plan (the learning rate's budget) is not valid: {exc}") from None
    if need == "trainer" and not isinstance(counters.get("batcher"), dict):
        raise _Damaged("counters.batcher (where training stopped in the text) is missing")


def _history(meta: dict) -> None:
    if "history" not in meta:
        return
    history = _section(meta, "history")
    losses = history.get("train_loss", [])
    if not isinstance(losses, list) or not all(_number(v, finite=False) for v in losses):
        raise _Damaged("history.train_loss must be a list of numbers")
    lrs = history.get("lr", [])
    if not isinstance(lrs, list) or not all(_number(v, finite=False) for v in lrs):
        raise _Damaged("history.lr (each step's learning rate) must be a list of numbers")
    for key, first, second in (("evals", _whole, _number), ("windows", _whole, _whole)):
        rows = history.get(key, [])
        if not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == 2 and first(r[0]) and second(r[1]) for r in rows):
            raise _Damaged(f"history.{key} must be a list of [step, value] pairs")


def _corpus(meta: dict) -> None:
    if "corpus" not in meta:
        return
    corpus = _section(meta, "corpus")
    for key in ("name", "source", "encoding"):
        if key in corpus and not isinstance(corpus[key], str):
            raise _Damaged(f"corpus.{key} must be a string, not {corpus[key]!r}")
    fraction = corpus.get("val_fraction", 0.1)
    if not _number(fraction) or not 0 < fraction <= 0.5:
        raise _Damaged(f"corpus.val_fraction must be a number in (0, 0.5], not {fraction!r}")


def _model_tensors(shapes: dict, config: ModelConfig) -> None:
    with torch.device("meta"):  # the shapes only: no memory, no time
        wanted = {f"model.{k}": tuple(v.shape) for k, v in CharRNN(config).state_dict().items()}
    have = {name: shape for name, (_dtype, shape) in shapes.items() if name.startswith("model.")}
    for name, shape in wanted.items():
        if name not in have:
            raise _Damaged(f"the tensor {name} is missing")
        if have[name] != shape:
            raise _Damaged(f"the tensor {name} has shape {list(have[name])}; the model needs {list(shape)}")
    extra = sorted(set(have) - set(wanted))
    if extra:
        raise _Damaged(f"the tensor {extra[0]} is not part of the model it describes")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value, finite: bool = True) -> bool:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return ok and (not finite or math.isfinite(value))
