"""GUI tests: settings go to a throw-away INI file, never the user's own."""

import pytest

from rnnlab.gui import settings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    settings.use_settings_file(tmp_path / "settings.ini")
    yield
    settings.use_settings_file(None)
