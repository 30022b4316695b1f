"""Lessons: a prepared demo in one file — the text, the model, the training and sampling
settings, which panels show, and optionally a trained checkpoint.

A lesson file is JSON (UTF-8), never code: reading one parses JSON and checks every field
against a fixed list of names, types and ranges; anything else is a LessonError with a
message that says which field is wrong. The checkpoint, when present, is the bytes of an
.rnnlab file in base64, read later by the checkpoint loader (which never unpickles).

    {"format": "rnnlab-lesson", "version": 1, "title": "...", "description": "...",
     "corpus": "builtin:hello"  |  "text": "the whole text", "text_name": "...",
     "model": {"cell": "lstm", "hidden": 32, "layers": 2},
     "training": {"batch": 8, "seq": 16, "lr": 0.01}, "budget": {"steps": 300},
     "sampling": {"prime": "h", "length": 200, "temperature": 0.5},
     "hide": ["model"], "view": "hidden state",
     "race": {"cells": "rnn,lstm", "seconds": 60, "fair": "time"},
     "checkpoint": "<base64>"}
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import pathlib
from dataclasses import dataclass, field

from rnnlab.core.data.corpus import is_named_source
from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.sampler import SampleSettings
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.race import FAIRNESS, parse_cells

FORMAT, VERSION = "rnnlab-lesson", 1
SUFFIX = ".rnnlab-lesson"
MAX_FILE_BYTES = 64 * 2**20  # a lesson with an embedded checkpoint and text stays far below
MAX_TEXT_CHARS = 16 * 2**20
PANELS = ("text", "model", "training", "loss", "inside", "sampling")
VIEWS = ("hidden state", "gates", "gradients", "neuron hunt", "next char", "temperature", "step through")
MODEL_FIELDS = {"cell": str, "hidden": int, "layers": int, "embedding": int, "dropout": float}
TRAIN_FIELDS = {"batch": int, "seq": int, "lr": float, "optimizer": str, "clip": float,
                "carry_hidden": bool}
SAMPLING_FIELDS = {"prime": str, "length": int, "temperature": float, "top_k": int, "seed": int}
BUDGET_KINDS = {"steps": int, "seconds": float}
RACE_FIELDS = {"cells": str, "seconds": float, "fair": str}
# upper bounds, so that a lesson cannot ask for a model or a sample that would not fit in memory
LIMITS = {("model", "hidden"): 8192, ("model", "layers"): 16, ("model", "embedding"): 4096,
          ("training", "batch"): 4096, ("training", "seq"): 10_000, ("sampling", "length"): 100_000}
TOP_FIELDS = {"format", "version", "title", "description", "corpus", "text", "text_name", "model",
              "training", "budget", "sampling", "hide", "view", "race", "checkpoint"}


class LessonError(ValueError):
    """A lesson file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Lesson:
    title: str
    description: str = ""
    corpus: str | None = None  # a named text (builtin:NAME), or None when `text` is embedded
    text: str | None = None
    text_name: str = "lesson text"
    model: dict = field(default_factory=dict)  # ModelConfig fields (vocab_size comes from the text)
    training: dict = field(default_factory=dict)  # TrainConfig fields
    budget: dict = field(default_factory=dict)  # {} | {"steps": N} | {"seconds": S}
    sampling: dict = field(default_factory=dict)  # SampleSettings fields
    hide: tuple[str, ...] = ()  # panels hidden while the lesson is open
    view: str | None = None  # the "inside the network" view shown
    race: dict | None = None  # open the race window with these settings
    checkpoint: bytes | None = None  # an .rnnlab file's bytes

    def to_dict(self) -> dict:
        d = {"format": FORMAT, "version": VERSION, "title": self.title, "description": self.description}
        d.update({"corpus": self.corpus} if self.text is None else {"text": self.text, "text_name": self.text_name})
        d.update(model=self.model, training=self.training, budget=self.budget, sampling=self.sampling,
                 hide=list(self.hide))
        d.update({k: v for k, v in (("view", self.view), ("race", self.race)) if v is not None})
        if self.checkpoint is not None:
            d["checkpoint"] = base64.b64encode(self.checkpoint).decode("ascii")
        return d


def write_lesson(path: str | os.PathLike, lesson: Lesson) -> pathlib.Path:
    """Check the lesson (as reading it would) and write it atomically."""
    data = json.dumps(lesson.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    lesson_from_dict(json.loads(data))  # never write a file that cannot be opened again
    if len(data) > MAX_FILE_BYTES:
        raise LessonError(f"the lesson would be {len(data) / 2**20:.0f} MB; at most "
                          f"{MAX_FILE_BYTES // 2**20} MB (leave out the checkpoint or use a shorter text)")
    path = pathlib.Path(path)
    atomic_write(path, data)
    return path


def read_lesson(path: str | os.PathLike) -> Lesson:
    path = pathlib.Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LessonError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise LessonError(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB: not a lesson")
    try:
        raw = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise LessonError(f"{path.name} is not a lesson file (not UTF-8 JSON)") from None
    return lesson_from_dict(raw)


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def lesson_from_dict(raw) -> Lesson:
    """Every field checked; raises LessonError naming the first bad one."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise LessonError("not a lesson file (no \"format\": \"rnnlab-lesson\")")
    if raw.get("version") != VERSION:
        raise LessonError(f"lesson version {raw.get('version')!r} is not supported (this rnnlab reads {VERSION})")
    unknown = sorted(set(raw) - TOP_FIELDS)
    if unknown:
        raise LessonError(f"unknown field {unknown[0]!r} in the lesson")
    title = _text(raw, "title", 200, required=True)
    corpus, text = raw.get("corpus"), raw.get("text")
    if (corpus is None) == (text is None):
        raise LessonError("a lesson needs exactly one of \"corpus\" (a named text) or \"text\"")
    if corpus is not None and not (isinstance(corpus, str) and is_named_source(corpus) and len(corpus) < 300):
        raise LessonError(f"\"corpus\" must name a built-in or downloaded text (builtin:hello, "
                          f"download:alice), not {str(corpus)[:60]!r}")
    lesson = Lesson(
        title=title, description=_text(raw, "description", 20_000), corpus=corpus,
        text=_text(raw, "text", MAX_TEXT_CHARS) if text is not None else None,
        text_name=_text(raw, "text_name", 200) or "lesson text",
        model=_fields(raw, "model", MODEL_FIELDS), training=_fields(raw, "training", TRAIN_FIELDS),
        budget=_budget(raw), sampling=_fields(raw, "sampling", SAMPLING_FIELDS),
        hide=_choices(raw, "hide", PANELS), view=_view(raw), race=_race(raw),
        checkpoint=_checkpoint(raw))
    _check_values(lesson)
    return lesson


def _text(raw: dict, name: str, limit: int, required: bool = False) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LessonError(f"\"{name}\" must be {'a non-empty' if required else 'a'} string")
    if len(value) > limit:
        raise LessonError(f"\"{name}\" is longer than {limit:,} characters")
    return value


def _fields(raw: dict, name: str, allowed: dict) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise LessonError(f"\"{name}\" must be an object")
    out = {}
    for key, v in value.items():
        kind = allowed.get(key)
        if kind is None:
            raise LessonError(f"unknown setting \"{name}.{key}\"; known: {', '.join(allowed)}")
        ok = (isinstance(v, bool) if kind is bool else
              isinstance(v, int) and not isinstance(v, bool) if kind is int else
              isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) if kind is float else
              isinstance(v, str) and len(v) <= 1000)
        if not ok:
            raise LessonError(f"\"{name}.{key}\" must be {'a number' if kind is float else 'a ' + kind.__name__}")
        out[key] = float(v) if kind is float else v
    return out


def _budget(raw: dict) -> dict:
    budget = _fields(raw, "budget", BUDGET_KINDS)
    if len(budget) > 1 or any(v <= 0 for v in budget.values()):
        raise LessonError("\"budget\" is one positive amount: {\"steps\": N} or {\"seconds\": S}")
    return budget


def _choices(raw: dict, name: str, allowed: tuple) -> tuple[str, ...]:
    value = raw.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise LessonError(f"\"{name}\" must be a list of: {', '.join(allowed)}")
    return tuple(value)


def _view(raw: dict) -> str | None:
    view = raw.get("view")
    if view is not None and not (isinstance(view, str) and view.lower() in VIEWS):
        raise LessonError(f"\"view\" must be one of: {', '.join(VIEWS)}")
    return view.lower() if view else None


def _race(raw: dict) -> dict | None:
    if raw.get("race") is None:
        return None
    race = _fields(raw, "race", RACE_FIELDS)
    try:
        parse_cells(race.get("cells", "rnn,lstm,gru"))
    except ValueError as exc:
        raise LessonError(f"\"race.cells\": {exc}") from None
    if race.get("fair", "time") not in FAIRNESS or not 0 < race.get("seconds", 60) <= 3600:
        raise LessonError(f"\"race\": fair is one of {', '.join(FAIRNESS)}, seconds in (0, 3600]")
    return race


def _checkpoint(raw: dict) -> bytes | None:
    value = raw.get("checkpoint")
    if value is None:
        return None
    if not isinstance(value, str):
        raise LessonError("\"checkpoint\" must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise LessonError("\"checkpoint\" is not valid base64") from None


def _check_values(lesson: Lesson) -> None:
    """The settings' own checks (ranges, names), with the lesson's field in the message."""
    for (group, key), limit in LIMITS.items():
        if getattr(lesson, group).get(key, 0) > limit:
            raise LessonError(f"\"{group}.{key}\" is at most {limit:,}")
    checks = (("model", lambda: ModelConfig(vocab_size=2, **lesson.model)),
              ("training", lambda: TrainConfig(**lesson.training)),
              ("sampling", lambda: SampleSettings(**lesson.sampling).check()))
    for name, check in checks:
        try:
            check()
        except (TypeError, ValueError) as exc:
            raise LessonError(f"\"{name}\": {exc}") from None
