"""Remembered values and recent files, over QSettings("rnnlab", "rnnlab").

Tests (and portable installs) can redirect everything to one INI file, either with
`use_settings_file(path)` or with the environment variable RNNLAB_SETTINGS_FILE, so the
user's real settings are never touched.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings

ORGANISATION = "rnnlab"
APPLICATION = "rnnlab"
ENV_FILE = "RNNLAB_SETTINGS_FILE"
RECENT_KEY = "recentFiles"
MAX_RECENT = 8

_file: str | None = None  # set by use_settings_file(); wins over the environment variable


def use_settings_file(path: str | os.PathLike | None) -> None:
    """Store settings in this INI file from now on (None: back to the normal location)."""
    global _file
    _file = os.fspath(path) if path is not None else None


def settings_file() -> str | None:
    """The INI file in use, or None for the platform's normal settings store."""
    return _file or os.environ.get(ENV_FILE) or None


def _settings() -> QSettings:
    path = settings_file()
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def value(key: str, default: Any = None, type: type | None = None) -> Any:  # noqa: A002
    """The stored value converted to `type`, or `default` if missing or unconvertible."""
    store = _settings()
    if not store.contains(key):
        return default
    try:
        if type in (int, float):  # Qt turns "abc" into 0; we want the default instead
            return type(store.value(key))
        return store.value(key, default) if type is None else store.value(key, default, type=type)
    except (TypeError, ValueError, RuntimeError):
        return default


def set_value(key: str, val: Any) -> None:
    store = _settings()
    store.setValue(key, val)
    store.sync()


def _stored_recent() -> list[str]:
    raw = value(RECENT_KEY, [])
    if isinstance(raw, str):  # an INI list of one item reads back as a plain string
        raw = [raw] if raw else []
    return [str(p) for p in (raw or []) if p]


def recent_files() -> list[str]:
    """Recently opened text files, most recent first; only files that still exist."""
    return [p for p in _stored_recent() if os.path.isfile(p)][:MAX_RECENT]


def add_recent_file(path: str | os.PathLike) -> None:
    """Put `path` first in the recent files (de-duplicated, at most MAX_RECENT kept)."""
    path = os.path.abspath(os.fspath(path))
    norm = os.path.normcase(path)
    rest = [p for p in _stored_recent() if os.path.normcase(p) != norm and os.path.isfile(p)]
    set_value(RECENT_KEY, [path, *rest][:MAX_RECENT])
