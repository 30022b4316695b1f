"""What the app reads at run time lives in rnnlab/resources and is declared as package data,
so the wheel carries it (.ci/run checks an installed wheel too)."""

import fnmatch
from pathlib import Path

import pytest

from rnnlab import resources
from rnnlab.core.io.lesson import read_lesson

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "rnnlab" / "resources"


def package_data_patterns() -> list[str]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["tool"]["setuptools"]["package-data"]["rnnlab.resources"]


def test_every_resource_file_is_declared_package_data():
    files = [p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc")]
    patterns = package_data_patterns()
    assert len(files) >= 7
    assert [f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)] == []


def test_the_icon_is_a_png():
    assert resources.icon_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_shipped_lessons_are_found_and_read():
    lessons = resources.shipped_lessons()
    assert len(lessons) == 3 and all(p.parent == resources.lessons_folder() for p in lessons)
    assert all(read_lesson(p).title for p in lessons)


def test_the_default_text_ships_with_its_licence_and_origin():
    texts = RESOURCES / "texts"
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in (texts / "PYTHON-LICENSE.txt").read_text(encoding="utf-8")
    origin = (texts / "README.txt").read_text(encoding="utf-8")
    assert "CPython" in origin and "PYTHON-LICENSE.txt" in origin and "make_python_corpus.py" in origin


def test_the_licence_is_mit():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
