"""Replacing a file while another program holds it (Windows: a virus scanner, OneDrive):
replace_file tries again for about a second, then lets the error through."""

import os

import pytest

from rnnlab.core.io import atomic
from rnnlab.core.io.atomic import SaveError, atomic_write, replace_file


@pytest.fixture
def held_twice(monkeypatch):
    """os.replace fails twice with PermissionError (as while a scanner has the file open), then works;
    the pauses between tries are recorded instead of waited."""
    real_replace, calls, pauses = os.replace, [], []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) <= 2:
            raise PermissionError(13, "The process cannot access the file because it is being used")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    monkeypatch.setattr(atomic.time, "sleep", pauses.append)
    return calls, pauses


def test_a_file_held_for_a_moment_is_replaced_on_a_later_try(tmp_path, held_twice):
    calls, pauses = held_twice
    src, dst = tmp_path / "new", tmp_path / "old"
    src.write_text("new")
    dst.write_text("old")
    replace_file(src, dst)
    assert dst.read_text() == "new" and not src.exists()
    assert len(calls) == 3 and len(pauses) == 2


def test_atomic_write_goes_through_the_retry(tmp_path, held_twice):
    calls, _ = held_twice
    path = atomic_write(tmp_path / "model.rnnlab", b"weights")
    assert path.read_bytes() == b"weights" and len(calls) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["model.rnnlab"]  # no temp file left


def test_a_file_held_for_good_raises_after_about_a_second(tmp_path, monkeypatch):
    pauses = []

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    monkeypatch.setattr(atomic.time, "sleep", pauses.append)
    with pytest.raises(SaveError, match="could not save .*: Permission denied"):
        atomic_write(tmp_path / "model.rnnlab", b"weights")
    assert 0.5 <= sum(pauses) <= 2.0
    assert list(tmp_path.iterdir()) == []  # the temp file is removed


def test_other_errors_are_not_retried(tmp_path, monkeypatch):
    pauses = []
    monkeypatch.setattr(atomic.time, "sleep", pauses.append)
    with pytest.raises(FileNotFoundError):
        replace_file(tmp_path / "missing", tmp_path / "dst")
    assert pauses == []
