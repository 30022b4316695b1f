"""The engine must import and work without Qt: the app depends on it, never the reverse.

Every module of rnnlab.core and rnnlab.cli is imported in a fresh Python in which Qt
cannot be imported at all, so a Qt import anywhere in them (even one that a module makes
only for some of its callers) fails here."""

import pkgutil

import rnnlab.cli
import rnnlab.core
from tests.qt_free import imports_without_qt


def engine_modules() -> list[str]:
    names = []
    for package in (rnnlab.core, rnnlab.cli):
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return names


def test_every_core_and_cli_module_imports_without_qt():
    names = engine_modules()
    assert len(names) > 40 and "rnnlab.core.io.autosave" in names and "rnnlab.core.io.lesson" in names
    assert imports_without_qt(names) == {}
