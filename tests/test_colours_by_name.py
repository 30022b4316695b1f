"""Colours come from the theme: outside look/ no gui module writes a colour literal, so a
theme or presentation mode can change every one of them in one place."""

import ast
import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[1] / "rnnlab" / "gui"
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?")
NAMED = {"white", "black", "red", "green", "blue", "gray", "grey", "yellow", "orange", "w", "k"}
COLOUR_CALLS = {"QColor", "mkColor", "mkPen", "mkBrush", "setBackground", "setForeground"}
# app.py draws the splash before pyqtgraph (and so look.colors) may load: one named constant
ALLOWED = {("app.py", "SPLASH_TEXT")}


def colour_literals(source: str, allowed: set[str] = frozenset()) -> list[str]:
    """Hex colour strings anywhere (but in the assignments to `allowed` names), and colour
    names given to Qt's or pyqtgraph's colour calls."""
    tree = ast.parse(source)
    skip = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id in allowed for t in n.targets)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HEX.fullmatch(node.value) \
                and id(node) not in skip:
            found.append(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in COLOUR_CALLS:
            found += [a.value for a in node.args if isinstance(a, ast.Constant) and a.value in NAMED]
    return found


def test_the_checker_sees_literals():
    assert sorted(colour_literals('pen("#999999", 1)\nQColor("white")\nw.setBackground("w")\n')) == \
        ["#999999", "w", "white"]
    assert colour_literals('INK = "#000000"\n') == ["#000000"]
    assert colour_literals('INK = "#000000"\n', {"INK"}) == []


def test_no_colour_literal_outside_look():
    found = {}
    for path in sorted(GUI.rglob("*.py")):
        rel = path.relative_to(GUI)
        if rel.parts[0] == "look":
            continue
        bad = colour_literals(path.read_text(encoding="utf-8"), {name for f, name in ALLOWED if f == str(rel)})
        if bad:
            found[str(rel)] = bad
    assert found == {}
