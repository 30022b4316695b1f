"""The gui's layers, read from the source: each package of rnnlab.gui imports only the
packages below it, and rnnlab.core never imports rnnlab.gui (docs/gui.md, "Layers").

Imports inside functions count too: a lazy upward import is still an upward edge."""

import ast
from pathlib import Path

import pytest

import rnnlab

# Lowest first: a package may import its own layer and the layers before it.
GUI_LAYERS = ("look", "workers", "plots", "panels", "explain", "race", "window")
ROOT = Path(rnnlab.__file__).parent


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute rnnlab import in `source`, functions included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in found if name.startswith("rnnlab.")]


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) > 3 and parts[1] == "gui" and parts[2] in GUI_LAYERS:
        return GUI_LAYERS.index(parts[2])
    return None


def violations(module: str, source: str) -> list[str]:
    """What `module` (e.g. rnnlab.gui.plots.loss_plot) imports against the layering."""
    own = layer_of(module)
    bad = []
    for line, name in imported_modules(source):
        if module.startswith("rnnlab.core.") and (name.startswith("rnnlab.gui") or name.startswith("rnnlab.cli")):
            bad.append(f"{module}:{line} imports {name} (the engine never imports the app)")
        other = layer_of(name)
        if own is not None and other is not None and other > own:
            bad.append(f"{module}:{line} imports {name} ({GUI_LAYERS[own]} is below {GUI_LAYERS[other]})")
    return bad


def package_modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = ("rnnlab",) + path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def test_every_gui_module_sits_in_a_layer():
    loose = [m for m in package_modules() if m.startswith("rnnlab.gui.") and layer_of(m) is None
             and m not in ("rnnlab.gui.app",) and m.split(".")[2] not in GUI_LAYERS]
    assert loose == []


def test_no_module_imports_a_higher_layer():
    found = []
    for module, path in sorted(package_modules().items()):
        found += violations(module, path.read_text(encoding="utf-8"))
    assert found == []


@pytest.mark.parametrize("module, source, expected", [
    ("rnnlab.gui.plots.loss_plot", "from rnnlab.gui.explain.header import widget_png", 1),
    ("rnnlab.gui.look.theme", "def f():\n    from rnnlab.gui.window import menus", 1),
    ("rnnlab.core.io.autosave", "import rnnlab.gui.look.theme", 1),
    ("rnnlab.gui.window.menus", "from rnnlab.gui.look import theme\nfrom rnnlab.gui.race.window import X", 0),
    ("rnnlab.gui.explain.tabs", "from rnnlab.gui.explain.header import ExplainHeader", 0),
])
def test_the_check_finds_upward_imports(module, source, expected):
    assert len(violations(module, source)) == expected
