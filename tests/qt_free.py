"""Import modules in a fresh Python in which Qt cannot be imported at all: a Qt import
anywhere in them (even one made only for some callers) is reported."""

import json
import subprocess
import sys

CODE = """
import importlib, importlib.abc, json, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError(f'{name} may not be imported here')
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


def imports_without_qt(names: list[str]) -> dict[str, str]:
    """{module: why it failed} for the modules that cannot be imported without Qt."""
    out = subprocess.run([sys.executable, "-c", CODE, json.dumps(names)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)
