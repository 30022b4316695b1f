"""Every modal dialog goes through the window's prompts: the panels' Open, Paste, Save and
Export buttons are answered by the test's Answers, and no module outside prompts.py opens
a dialog of its own."""

import ast
from pathlib import Path

from PySide6 import QtWidgets

from rnnlab.gui.explain.gates_panel import GatesPanel
from rnnlab.gui.look import prompts
from tests.gui.window_helpers import child

GUI = Path(__file__).resolve().parents[2] / "rnnlab" / "gui"
DIALOGS = {"QFileDialog", "QMessageBox", "QInputDialog", "QColorDialog", "QFontDialog"}


def _starts(corpus, text: str) -> bool:
    return corpus is not None and corpus.vocab.decode(corpus.data[: len(text)]) == text


def test_the_text_panels_open_button_asks_the_windows_prompts(window, qtbot, tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("roses are red, violets are blue\n" * 40, encoding="utf-8")
    window.answers.text_path = None  # cancelled: nothing changes
    child(window, QtWidgets.QPushButton, "openTextButton").click()
    assert window.answers.folders and window.data_panel.corpus().name == "builtin:hello"
    window.answers.text_path = str(path)
    child(window, QtWidgets.QPushButton, "openTextButton").click()
    qtbot.waitUntil(lambda: _starts(window.data_panel.corpus(), "roses"), timeout=10000)


def test_the_paste_button_asks_the_windows_prompts(window, qtbot):
    window.answers.pasted = "the quick brown fox jumps over the lazy dog\n" * 30
    child(window, QtWidgets.QPushButton, "pasteTextButton").click()
    qtbot.waitUntil(lambda: _starts(window.data_panel.corpus(), "the quick"), timeout=10000)


def test_the_sample_save_button_asks_the_windows_prompts(window, tmp_path):
    window.sampling_panel.append_text("naïve text\n")
    window.answers.sample_path = str(tmp_path / "sample.txt")
    child(window, QtWidgets.QPushButton, "saveSampleButton").click()
    assert (tmp_path / "sample.txt").read_text(encoding="utf-8") == "naïve text\n"
    assert "sample.txt" in window.answers.suggested


def test_a_views_export_button_asks_and_warns_through_the_prompts(window, tmp_path):
    gates = window.findChild(GatesPanel)
    window.answers.png_path = str(tmp_path / "gates.png")
    gates.header.export_button.click()
    assert (tmp_path / "gates.png").read_bytes().startswith(b"\x89PNG")
    window.answers.png_path = str(tmp_path / "missing" / "gates.png")
    gates.header.export_button.click()
    assert [title for title, _ in window.answers.warnings] == ["Export failed"]


def test_a_widget_outside_a_window_gets_the_plain_dialogs(qtbot):
    lone = QtWidgets.QWidget()
    qtbot.addWidget(lone)
    assert type(prompts.for_widget(lone)) is prompts.Prompts


def _dialog_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return sorted(names & DIALOGS)


def test_the_checker_sees_a_dialog(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6 import QtWidgets\nQtWidgets.QFileDialog.getOpenFileName()\n")
    assert _dialog_uses(bad) == ["QFileDialog"]


def test_no_module_but_prompts_opens_a_dialog():
    found = {str(p.relative_to(GUI)): _dialog_uses(p) for p in GUI.rglob("*.py")}
    assert found.pop("look/prompts.py"), "prompts.py itself must be found by the checker"
    assert {name: uses for name, uses in found.items() if uses} == {}
