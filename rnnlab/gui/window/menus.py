"""Menus and keyboard shortcuts: actions that call the window's handlers."""

from __future__ import annotations

import sys

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

CHECK = "check"  # a fourth item: a checkable action (on / off)
NATIVE = QKeySequence.SequenceFormat.NativeText  # as the menus show keys: ⌘ on macOS
FULL_SCREEN = QKeySequence.StandardKey.FullScreen  # Ctrl+Cmd+F on macOS, F11 elsewhere
FALLBACK_KEYS = {FULL_SCREEN: "F11"}  # for a platform that names no key of its own


def presentation_key(platform: str = sys.platform) -> str:
    """F5 starts a slide show on Windows and Linux; macOS keeps F5 for itself, so there it is
    Cmd+Option+P, Keynote's Play Slideshow (Qt writes macOS's Cmd as Ctrl, Option as Alt)."""
    return "Ctrl+Alt+P" if platform == "darwin" else "F5"


# menu -> entries: (label, shortcut (text or a QKeySequence.StandardKey), handler name on the
# window[, CHECK or the name of a group of exclusive checkable actions]); (label, [entries]) =
# a submenu; None = separator
MENUS = {
    "&File": [
        ("Open text…", "Ctrl+O", "open_text_dialog"),
        ("Download a text…", "", "download_text_dialog"),
        ("Open checkpoint…", "Ctrl+Shift+O", "open_checkpoint_dialog"),
        None,
        ("Save checkpoint", "Ctrl+S", "save_checkpoint"),
        ("Save checkpoint as…", "Ctrl+Shift+S", "save_checkpoint_as"),
        None,
        ("Open lesson…", "Ctrl+L", "open_lesson_dialog"),
        ("Save as lesson…", "Ctrl+Shift+L", "save_lesson_dialog"),
        None,
        ("Export loss plot…", "Ctrl+E", "export_loss_plot"),
        ("Export run report…", "", "export_run_report"),
        ("Export loss history (CSV)…", "", "export_loss_history"),
        None,
        ("Quit", "Ctrl+Q", "close"),
    ],
    "&Train": [
        ("Start / pause", "Space", "toggle_training"),
        ("One step", "Ctrl+Right", "step_once"),
        ("Stop", "Ctrl+.", "stop_training"),
        ("Reset model", "Ctrl+R", "reset_model"),
        None,
        ("Race cells side by side…", "Ctrl+Shift+R", "open_race"),
    ],
    "&Sample": [
        ("Generate / stop", "Ctrl+G", "toggle_sampling"),
    ],
    "&View": [
        ("Show all panels", "Ctrl+Shift+A", "show_all_panels"),
        None,
        ("Presentation mode", presentation_key(), "toggle_presentation", CHECK),
        ("Full screen", FULL_SCREEN, "toggle_full_screen", CHECK),
        None,
        ("&Theme", [
            ("System", "", "use_system_theme", "theme"),
            ("Light", "", "use_light_theme", "theme"),
            ("Dark", "", "use_dark_theme", "theme"),
        ]),
    ],
    "&Help": [
        ("Keyboard shortcuts", "F1", "show_shortcuts"),
        ("About rnnlab", "", "show_about"),
    ],
}


def build_menus(window: QMainWindow) -> dict[str, QAction]:
    """Create the menu bar; returns the actions by handler name."""
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for title, entries in MENUS.items():
        _fill(window, window.menuBar().addMenu(title), entries, actions, groups)
    return actions


def _fill(window: QMainWindow, menu: QMenu, entries, actions: dict[str, QAction],
          groups: dict[str, QActionGroup]) -> None:
    for entry in entries:
        if entry is None:
            menu.addSeparator()
            continue
        if isinstance(entry[1], list):
            _fill(window, menu.addMenu(entry[0]), entry[1], actions, groups)
            continue
        label, shortcut, handler, *kind = entry
        action = QAction(label, window)
        action.setShortcuts(key_sequences(shortcut))
        if kind:
            action.setCheckable(True)
            if kind[0] != CHECK:
                if kind[0] not in groups:
                    groups[kind[0]] = QActionGroup(window)  # exclusive: one checked at a time
                groups[kind[0]].addAction(action)
        action.triggered.connect(getattr(window, handler))
        menu.addAction(action)
        actions[handler] = action


def _entries(entries):
    for entry in entries:
        if entry is None:
            continue
        if isinstance(entry[1], list):
            yield from _entries(entry[1])
        else:
            yield entry


def key_sequences(shortcut: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """The keys a menu entry binds: a platform's standard key may have several, or none."""
    if isinstance(shortcut, QKeySequence.StandardKey):
        return QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_KEYS[shortcut])]
    return [QKeySequence(shortcut)] if shortcut else []


def key_text(shortcut: str | QKeySequence.StandardKey) -> str:
    """The keys as this platform writes them ("F11, Alt+Enter"; "⌃⌘F" on macOS)."""
    return ", ".join(keys.toString(NATIVE) for keys in key_sequences(shortcut))


def shortcuts_text() -> str:
    lines = []
    for entries in MENUS.values():
        lines += [f"{key_text(entry[1]):<14} {entry[0]}" for entry in _entries(entries) if entry[1]]
    return "\n".join(lines)
