"""Lesson files: a round trip keeps everything; anything else is one clear LessonError."""

import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.core.io import lesson as lesson_module
from rnnlab.core.io.lesson import Lesson, LessonError, lesson_from_dict, read_lesson, write_lesson

GOOD = {"format": "rnnlab-lesson", "version": 1, "title": "Hello", "corpus": "builtin:hello",
        "model": {"cell": "lstm", "hidden": 32, "layers": 2}, "training": {"batch": 8, "lr": 0.01},
        "budget": {"steps": 300}, "sampling": {"prime": "h", "temperature": 0.5},
        "hide": ["model"], "view": "Hidden state"}


def test_round_trip_keeps_every_field(tmp_path):
    lesson = Lesson(title="Émile's lesson ✓", description="two\nlines", text="naïve text ✓\n" * 50,
                    text_name="poem", model={"cell": "gru", "hidden": 16, "layers": 1, "dropout": 0.0},
                    training={"batch": 4, "seq": 16, "lr": 0.003, "carry_hidden": False},
                    budget={"seconds": 12.5}, sampling={"prime": "na", "length": 50, "temperature": 0.7},
                    hide=("model", "inside"), view="gradients",
                    race={"cells": "rnn,lstm", "seconds": 30.0, "fair": "steps"},
                    checkpoint=bytes(range(256)) * 3)
    path = write_lesson(tmp_path / "a.rnnlab-lesson", lesson)
    assert read_lesson(path) == lesson
    assert json.loads(path.read_text("utf-8"))["format"] == "rnnlab-lesson"  # plain JSON


def test_a_minimal_lesson_reads_with_defaults(tmp_path):
    path = tmp_path / "min.rnnlab-lesson"
    path.write_text(json.dumps(GOOD), "utf-8")
    lesson = read_lesson(path)
    assert lesson.corpus == "builtin:hello" and lesson.text is None
    assert lesson.view == "hidden state" and lesson.hide == ("model",) and lesson.checkpoint is None
    assert lesson.training == {"batch": 8, "lr": 0.01}


@pytest.mark.parametrize("change, words", [
    ({"format": "something"}, "not a lesson file"),
    ({"version": 2}, "version 2 is not supported"),
    ({"macro": "import os"}, "unknown field 'macro'"),
    ({"corpus": "/etc/passwd"}, "must name a built-in or downloaded text"),
    ({"text": "abc"}, "exactly one of"),
    ({"title": ""}, "\"title\" must be a non-empty string"),
    ({"model": {"cell": "transformer"}}, "\"model\": cell must be one of"),
    ({"model": {"hidden": 10**9}}, "\"model.hidden\" is at most 8,192"),
    ({"model": {"hidden": "32"}}, "\"model.hidden\" must be a int"),
    ({"model": {"__class__": 1}}, "unknown setting \"model.__class__\""),
    ({"training": {"lr": -1}}, "learning rate must be positive"),
    ({"training": {"carry_hidden": 1}}, "must be a bool"),
    ({"budget": {"steps": 0}}, "one positive amount"),
    ({"budget": {"steps": 5, "seconds": 5}}, "one positive amount"),
    ({"sampling": {"temperature": -1}}, "\"sampling\": temperature"),
    ({"hide": ["everything"]}, "\"hide\" must be a list of"),
    ({"view": "x-ray"}, "\"view\" must be one of"),
    ({"race": {"cells": "rnn"}}, "\"race.cells\""),
    ({"race": {"seconds": 1e6}}, "seconds in (0, 3600]"),
    ({"checkpoint": "not base64!"}, "not valid base64"),
])
def test_bad_fields_are_named(tmp_path, change, words):
    path = tmp_path / "bad.rnnlab-lesson"
    path.write_text(json.dumps({**GOOD, **change}), "utf-8")
    with pytest.raises(LessonError) as err:
        read_lesson(path)
    assert words in str(err.value)


@pytest.mark.parametrize("data, words", [
    (pickle.dumps({"format": "rnnlab-lesson"}), "not UTF-8 JSON"),  # never unpickled
    (b"\x00\xff" * 100, "not UTF-8 JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "not"),  # deep nesting: no RecursionError escapes
    (b'{"format": "rnnlab-lesson", "version": 1, "title": "t", "corpus": "builtin:hello", '
     b'"training": {"lr": NaN}}', "not UTF-8 JSON"),
    (b'{"format": "rnnlab-lesson", "version": 1, "title": "t", "corpus": "builtin:hello", '
     b'"model": {"hidden": ' + b"9" * 5000 + b"}}", "not UTF-8 JSON"),
])
def test_garbage_is_refused_without_running_anything(tmp_path, data, words):
    path = tmp_path / "junk.rnnlab-lesson"
    path.write_bytes(data)
    with pytest.raises(LessonError, match=words):
        read_lesson(path)


def test_oversized_files_and_missing_files(tmp_path, monkeypatch):
    monkeypatch.setattr(lesson_module, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.rnnlab-lesson"
    path.write_text(json.dumps({**GOOD, "description": "x" * 2000}), "utf-8")
    with pytest.raises(LessonError, match="larger than"):
        read_lesson(path)
    with pytest.raises(LessonError, match="cannot read"):
        read_lesson(tmp_path / "missing.rnnlab-lesson")
    with pytest.raises(LessonError, match="would be"):
        write_lesson(tmp_path / "out.rnnlab-lesson", Lesson(title="t", text="y" * 5000))
    assert not (tmp_path / "out.rnnlab-lesson").exists()


def test_write_refuses_a_lesson_that_could_not_be_read_back(tmp_path):
    with pytest.raises(LessonError, match="exactly one of"):
        write_lesson(tmp_path / "x.rnnlab-lesson", Lesson(title="no text"))
    assert not (tmp_path / "x.rnnlab-lesson").exists()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                           | st.text(max_size=20),
                           lambda inner: (st.lists(inner, max_size=4)
                                          | st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(lesson_module.TOP_FIELDS)), json_values, max_size=8))
def test_fuzzed_fields_give_a_lesson_or_a_lesson_error(fields):
    try:
        lesson_from_dict({"format": "rnnlab-lesson", "version": 1, **fields})
    except LessonError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_bytes_give_a_lesson_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.rnnlab-lesson"
    path.write_bytes(data)
    with pytest.raises(LessonError):
        read_lesson(path)
