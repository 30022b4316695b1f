"""Full screen and presentation mode use keys the platform leaves free: Qt's standard
full-screen key (Ctrl+Cmd+F on macOS, F11 elsewhere), F5 for presentation except on macOS,
which takes F5 for itself; the menus and the shortcut list show the keys as the platform
writes them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from rnnlab.gui.window import menus
from rnnlab.gui.window.menus import FULL_SCREEN, MENUS, key_sequences, key_text, presentation_key, shortcuts_text

NATIVE = QKeySequence.SequenceFormat.NativeText


def test_the_window_binds_the_platforms_full_screen_key(window):
    keys = window.actions["toggle_full_screen"].shortcuts()
    assert keys and keys == QKeySequence.keyBindings(FULL_SCREEN)
    assert "F11" in [k.toString() for k in keys]  # what Windows and Linux use (this runs on neither macOS)
    assert window.actions["toggle_presentation"].shortcuts() == [QKeySequence("F5")]


def test_pressing_the_full_screen_key_toggles_full_screen(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    QTest.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())


@pytest.mark.parametrize("platform, key", [("darwin", "Ctrl+Alt+P"), ("win32", "F5"), ("linux", "F5")])
def test_presentation_key_per_platform(platform, key):
    assert presentation_key(platform) == key


@pytest.mark.parametrize("platform", ["darwin", "win32", "linux"])
def test_no_two_actions_share_a_key(platform):
    taken = []
    for entry in menus._entries([e for entries in MENUS.values() for e in entries]):
        shortcut = presentation_key(platform) if entry[2] == "toggle_presentation" else entry[1]
        taken += [k.toString() for k in key_sequences(shortcut)]
    assert len(taken) == len(set(taken)), taken


def test_no_fixed_key_that_macos_takes():
    written = [entry[1] for entry in menus._entries([e for es in MENUS.values() for e in es])]
    assert "F11" not in written  # full screen's key comes from the platform
    assert presentation_key("darwin") not in ("F5", "F11")


def test_the_shortcut_list_and_menus_show_the_native_keys(window):
    text = shortcuts_text()
    full = ", ".join(k.toString(NATIVE) for k in QKeySequence.keyBindings(FULL_SCREEN))
    assert key_text(FULL_SCREEN) == full
    assert f"{full:<14} Full screen" in text
    assert f"{QKeySequence(presentation_key()).toString(NATIVE):<14} Presentation mode" in text
    action = window.actions["toggle_full_screen"]
    assert action.shortcut().toString(NATIVE) == full.split(", ")[0]  # what the menu item shows
