"""The engine must import and work without Qt: the app depends on it, never the reverse.

Every module of rnnlab.core and rnnlab.cli is imported in a fresh Python in which Qt
cannot be imported at all, so a Qt import anywhere in them (even one that a module makes
only for some of its callers) fails here."""

import json
import pkgutil
import subprocess
import sys

import rnnlab.cli
import rnnlab.core

CODE = """
import importlib, importlib.abc, json, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError(f'{name} may not be imported by the engine')
        return None

sys.meta_path.insert(0, NoQt())
failed = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f'{type(exc).__name__}: {exc}'
print(json.dumps(failed))
"""


def engine_modules() -> list[str]:
    names = []
    for package in (rnnlab.core, rnnlab.cli):
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return names


def test_every_core_and_cli_module_imports_without_qt():
    names = engine_modules()
    assert len(names) > 40 and "rnnlab.core.io.autosave" in names and "rnnlab.core.io.lesson" in names
    out = subprocess.run([sys.executable, "-c", CODE, json.dumps(names)], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == {}
