"""rnnlab's folders: user data (downloaded texts, autosaves) and a cache (what was timed).

$RNNLAB_DATA_DIR wins (tests, a classroom share); else the platform's user data folder:
$XDG_DATA_HOME/rnnlab (~/.local/share/rnnlab) on Linux, ~/Library/Application Support/rnnlab
on macOS, %LOCALAPPDATA%\\rnnlab on Windows. The cache: $RNNLAB_CACHE_DIR, else
$XDG_CACHE_HOME/rnnlab (~/.cache/rnnlab), ~/Library/Caches/rnnlab, %LOCALAPPDATA%\\rnnlab\\Cache.

Hand-written rather than platformdirs: it is these three rules, and it follows `sys.platform`
at call time, so each platform's rule is tested on any machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "RNNLAB_DATA_DIR"
CACHE_DIR_ENV = "RNNLAB_CACHE_DIR"


def data_dir() -> Path:
    """The folder for rnnlab's user data (not created here)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        return Path(base) / "rnnlab" if base else home / "AppData" / "Local" / "rnnlab"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "rnnlab"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base / "rnnlab"


def machine_cache_dir() -> Path:
    """The folder for what rnnlab can work out again if it is deleted (not created here)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "rnnlab" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "rnnlab"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "rnnlab"
