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
    return _user_dir(DATA_DIR_ENV, "", ("Library", "Application Support"), "XDG_DATA_HOME", (".local", "share"))


def machine_cache_dir() -> Path:
    """The folder for what rnnlab can work out again if it is deleted (not created here)."""
    return _user_dir(CACHE_DIR_ENV, "Cache", ("Library", "Caches"), "XDG_CACHE_HOME", (".cache",))


def _user_dir(override_env: str, windows_sub: str, mac_base: tuple[str, ...], xdg_env: str,
              xdg_default: tuple[str, ...]) -> Path:
    """$override_env, else %LOCALAPPDATA%\\rnnlab[\\windows_sub], ~/mac_base/rnnlab, or
    $xdg_env/rnnlab (an absolute one; else ~/xdg_default/rnnlab)."""
    override = os.environ.get(override_env)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        folder = (Path(base) if base else home / "AppData" / "Local") / "rnnlab"
        return folder / windows_sub if windows_sub else folder
    if sys.platform == "darwin":
        return home.joinpath(*mac_base, "rnnlab")
    xdg = os.environ.get(xdg_env, "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home.joinpath(*xdg_default)
    return base / "rnnlab"
