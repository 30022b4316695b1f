"""Menus and keyboard shortcuts: actions that call the window's handlers."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

# (menu, label, shortcut, handler name on the window); None = separator
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
    ],
    "&Help": [
        ("Keyboard shortcuts", "F1", "show_shortcuts"),
        ("About rnnlab", "", "show_about"),
    ],
}


def build_menus(window: QMainWindow) -> dict[str, QAction]:
    """Create the menu bar; returns the actions by handler name."""
    actions = {}
    for title, entries in MENUS.items():
        menu = window.menuBar().addMenu(title)
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            label, shortcut, handler = entry
            action = QAction(label, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(getattr(window, handler))
            menu.addAction(action)
            actions[handler] = action
    return actions


def shortcuts_text() -> str:
    lines = []
    for entries in MENUS.values():
        lines += [f"{shortcut:<14} {label}" for label, shortcut, _ in filter(None, entries) if shortcut]
    return "\n".join(lines)
