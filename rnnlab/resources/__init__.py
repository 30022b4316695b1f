"""The files rnnlab needs at run time, shipped inside the package: the icon, the lessons
and the default text (texts/, with its licence). They are read through importlib.resources,
so they are found in an installed wheel as in a source checkout. No Qt here: the engine
reads the text.
"""

from __future__ import annotations

import atexit
import lzma
import shutil
import tempfile
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

LESSON_PATTERN = "*.rnnlab-lesson"
PYTHON_TEXT = "python-stdlib.txt.xz"  # made by assets/make_python_corpus.py


def _root():
    return files(__name__)


def icon_bytes() -> bytes:
    """The app's icon as PNG data (empty if it cannot be read)."""
    try:
        return (_root() / "icon.png").read_bytes()
    except OSError:
        return b""


@lru_cache(maxsize=1)
def lessons_folder() -> Path:
    """A real folder with the shipped lessons (File > Open lesson starts in it)."""
    folder = _root() / "lessons"
    if isinstance(folder, Path):
        return folder
    # Imported from a zip: the file dialog needs a folder on disk, so copy them out once.
    copy = Path(tempfile.mkdtemp(prefix="rnnlab-lessons-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    for entry in folder.iterdir():
        if entry.name.endswith(LESSON_PATTERN[1:]):
            (copy / entry.name).write_bytes(entry.read_bytes())
    return copy


def shipped_lessons() -> list[Path]:
    return sorted(lessons_folder().glob(LESSON_PATTERN))


@lru_cache(maxsize=1)
def python_source_text() -> str:
    """The default text: a fixed selection of CPython's standard library (texts/README.txt
    says which), the same on every machine whatever Python runs rnnlab."""
    return lzma.decompress((_root() / "texts" / PYTHON_TEXT).read_bytes()).decode("utf-8")
