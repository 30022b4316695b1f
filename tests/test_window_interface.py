"""The window's helper modules use only the window's named interface (window/interface.py),
and no module of rnnlab reaches into private names defined in another file."""

import ast
from pathlib import Path

import pytest

from rnnlab.gui.window.interface import WindowInterface

PACKAGE = Path(__file__).resolve().parents[1] / "rnnlab"
HELPERS = ("lessons.py", "autosaver.py", "report_export.py")
MEMBERS = set(WindowInterface.__annotations__) | {
    name for name, value in vars(WindowInterface).items() if callable(value) and not name.startswith("_")}


def window_uses(source: str) -> set[str]:
    """The attributes read of `window` and `self.window` in the source."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id == "window":
                used.add(node.attr)
            elif isinstance(owner, ast.Attribute) and owner.attr == "window" \
                    and isinstance(owner.value, ast.Name) and owner.value.id == "self":
                used.add(node.attr)
    return used


def foreign_privates(source: str) -> set[str]:
    """Private names (_x, not __x__) read off another object that this file does not define."""
    tree = ast.parse(source)
    defined, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Attribute):
            if isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif node.attr.startswith("_") and not node.attr.startswith("__"):
                read.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.ImportFrom):  # from x import _private: another file's
            read |= {a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")}
    return read - defined


def test_the_interface_names_parts_and_actions():
    assert {"session", "prompts", "data_panel", "show_message", "update_title", "open_race"} <= MEMBERS


@pytest.mark.parametrize("name", HELPERS)
def test_a_helper_uses_only_the_windows_interface(name):
    used = window_uses((PACKAGE / "gui" / "window" / name).read_text(encoding="utf-8"))
    assert used, f"{name} does not use the window at all: the check would see nothing"
    assert used - MEMBERS == set()


def test_the_checkers_see_what_they_should():
    assert window_uses("def f(window):\n    window._update_title()\n    window.session.path\n") == \
        {"_update_title", "session"}
    assert window_uses("class A:\n    def f(self):\n        self.window.panel_boxes\n") == {"panel_boxes"}
    assert foreign_privates("def f(w):\n    w._update_title()\n") == {"_update_title"}
    assert foreign_privates("class A:\n    def _x(self): ...\n    def f(self, o):\n        o._x()\n") == set()
    assert foreign_privates("from m import _helper, public as _alias\n") == {"_helper"}


def test_no_module_reads_another_files_private_names():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names = foreign_privates(path.read_text(encoding="utf-8"))
        names -= {"_actions", "_SubParsersAction"}  # argparse's own, read by the CLI's help
        names -= {"_is_mkldnn_bf16_supported"}  # torch's only test for native bf16 on a CPU
        if names:
            found[str(path.relative_to(PACKAGE))] = sorted(names)
    assert found == {}
