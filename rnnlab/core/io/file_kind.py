"""Which of rnnlab's files a path names, by its suffix in any case: a checkpoint (.rnnlab),
a lesson (.rnnlab-lesson) or else a text to learn from. One rule for drops, the command
line and files opened from the desktop."""

from __future__ import annotations

import os

from rnnlab.core.io.checkpoint import SUFFIX as CHECKPOINT_SUFFIX
from rnnlab.core.io.lesson import SUFFIX as LESSON_SUFFIX


def file_kind(path: str | os.PathLike) -> str:
    """"checkpoint", "lesson" or "text"."""
    name = os.fspath(path).lower()
    if name.endswith(LESSON_SUFFIX):
        return "lesson"
    if name.endswith(CHECKPOINT_SUFFIX):
        return "checkpoint"
    return "text"
