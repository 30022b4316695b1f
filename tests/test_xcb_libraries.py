"""A Linux without Qt's X11 libraries gets one `error:` line naming the packages, exit 2,
instead of Qt aborting the process; other platforms and Qt back-ends are left alone."""

import sys

import pytest

from rnnlab.cli import cmd_gui, xcb_libraries
from rnnlab.cli.main import main
from rnnlab.cli.xcb_libraries import uses_xcb, xcb_problem

X11 = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}


def without(*missing):
    return lambda library: library not in missing


def test_a_missing_cursor_library_names_its_package():
    problem = xcb_problem("linux", X11, without("libxcb-cursor.so.0"))
    assert "libxcb-cursor.so.0" in problem
    assert "sudo apt install libxcb-cursor0`" in problem and "sudo dnf install xcb-util-cursor`" in problem
    assert "\n" not in problem


def test_every_missing_library_is_named_and_each_package_once():
    problem = xcb_problem("linux", X11, lambda library: False)
    assert all(library in problem for library, _, _ in xcb_libraries.XCB_LIBRARIES)
    apt = problem.split("sudo apt install ")[1].split("`")[0].split()
    dnf = problem.split("sudo dnf install ")[1].split("`")[0].split()
    assert apt[:2] == ["libxcb-cursor0", "libxcb-icccm4"] and len(apt) == len(xcb_libraries.XCB_LIBRARIES)
    assert dnf.count("libxcb") == 1 and len(dnf) == len(set(dnf))


def test_nothing_missing_is_no_problem():
    assert xcb_problem("linux", X11, lambda library: True) is None


@pytest.mark.parametrize("platform, environ, expected", [
    ("linux", {}, True),
    ("linux", {"QT_QPA_PLATFORM": "xcb"}, True),
    ("linux", {"QT_QPA_PLATFORM": "xcb:nomitshm"}, True),
    ("linux", {"QT_QPA_PLATFORM": "offscreen"}, False),
    ("linux", {"QT_QPA_PLATFORM": "wayland"}, False),
    ("linux", {"QT_QPA_PLATFORM": "wayland;xcb"}, False),  # Qt tries Wayland first
    ("linux", {"XDG_SESSION_TYPE": "wayland"}, False),
    ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, False),
    ("win32", {}, False),
    ("darwin", {"QT_QPA_PLATFORM": "xcb"}, False),
])
def test_only_qt_on_x11_is_checked(platform, environ, expected):
    assert uses_xcb(platform, environ) is expected
    looked = []
    xcb_problem(platform, environ, lambda library: looked.append(library) or False)
    assert bool(looked) is expected


def test_rnnlab_stops_before_qt_with_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(cmd_gui, "xcb_problem", lambda: xcb_problem("linux", X11, without("libxcb-cursor.so.0")))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the window needs system libraries") and err.count("\n") == 1
    assert "libxcb-cursor0" in err and "Traceback" not in err


def test_the_loader_is_asked_for_real():
    assert not xcb_libraries.loadable("libno-such-library-rnnlab.so.0")
    if sys.platform.startswith("linux"):
        assert xcb_libraries.loadable("libc.so.6")
