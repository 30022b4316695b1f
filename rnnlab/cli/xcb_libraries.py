"""Before Qt starts on Linux: are the system libraries of Qt's X11 (xcb) platform there?

Without them Qt aborts the process ("From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed
...", exit 134) and a student sees a core dump instead of the package to install. PySide6's
wheels bring Qt but not these. No Qt here: this runs before Qt is imported.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# (library, Debian/Ubuntu package, Fedora package): what Qt's xcb plugin loads from the system.
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    ("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    ("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
)


def loadable(library: str) -> bool:
    """Whether the dynamic loader finds `library`, as it would for Qt."""
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def uses_xcb(platform: str, environ: Mapping[str, str]) -> bool:
    """Whether Qt will start on X11 (xcb). Only when sure: a wrong refusal would be worse
    than Qt's own message."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:  # "offscreen", "wayland", "xcb:option", or a list tried in turn
        return chosen.split(":")[0] == "xcb"
    return environ.get("XDG_SESSION_TYPE", "").lower() != "wayland" and not environ.get("WAYLAND_DISPLAY")


def xcb_problem(platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
                is_loadable: Callable[[str], bool] = loadable) -> str | None:
    """One line saying which packages to install, or None when nothing is missing."""
    if not uses_xcb(platform, environ):
        return None
    missing = [entry for entry in XCB_LIBRARIES if not is_loadable(entry[0])]
    if not missing:
        return None
    debian = " ".join(dict.fromkeys(entry[1] for entry in missing))
    fedora = " ".join(dict.fromkeys(entry[2] for entry in missing))
    names = ", ".join(entry[0] for entry in missing)
    return (f"the window needs system libraries that are missing ({names}): install them with "
            f"`sudo apt install {debian}` (Debian, Ubuntu) or `sudo dnf install {fedora}` (Fedora), "
            "then start rnnlab again")
