"""NumPy .npz files, written atomically (atomic.py): a crash or a full disk leaves either the
whole new file or the old one, never half an archive."""

from __future__ import annotations

import io
import os
import pathlib

import numpy as np

from rnnlab.core.io.atomic import SaveError, atomic_write, check_writable

SUFFIX = ".npz"


def check_npz_path(path: str | os.PathLike) -> pathlib.Path:
    """Raise SaveError now if `path` does not end in .npz or could not be written."""
    path = pathlib.Path(path)
    if not path.name.lower().endswith(SUFFIX) or path.name.lower() == SUFFIX:
        raise SaveError(f"could not save {path}: the file name must end in {SUFFIX}")
    return check_writable(path)


def save_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> pathlib.Path:
    """Write `arrays` (plain arrays, no Python objects) to the .npz file `path`, atomically."""
    if any(np.asarray(a).dtype.hasobject for a in arrays.values()):
        raise TypeError("object arrays would need pickle to read back; convert them first")
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # in memory: np.savez on a path would write in place
    return atomic_write(check_npz_path(path), buffer.getvalue())
