"""Big text files load on a thread: the panel shows the stages, Cancel keeps the old text,
failures are shown, and a newer choice wins over a load still running."""

import pytest
from PySide6.QtCore import QCoreApplication

from rnnlab.gui.look import settings
from rnnlab.gui.panels import text_loader
from rnnlab.gui.panels.data_panel import DataPanel

TEXT = "It was the best of times, it was the worst of times.\n" * 40_000  # ~2 MB


@pytest.fixture
def panel(qtbot, monkeypatch):
    monkeypatch.setattr(text_loader, "BACKGROUND_BYTES", 1000)  # every test file is "big"
    widget = DataPanel()
    qtbot.addWidget(widget)
    assert widget.load_source("builtin:hello")
    return widget


def test_a_big_file_loads_in_the_background_with_its_stages(panel, qtbot, tmp_path):
    path = tmp_path / "dickens.txt"
    path.write_text(TEXT, "utf-8")
    stages = []
    panel.loader.stage.connect(stages.append)
    with qtbot.waitSignal(panel.corpus_loaded, timeout=30_000) as blocker:
        assert panel.open_path(path)
        assert panel.is_loading() and panel.loader.isVisibleTo(panel)
        assert panel.loader.label.text().startswith("Loading dickens.txt (")
        assert panel.corpus().source == "builtin:hello"  # the old text until the new one is ready
    corpus = blocker.args[0]
    assert corpus.n_chars == len(TEXT) and panel.corpus() is corpus
    assert stages == ["reading", "counting characters", "encoding", "counting symbols"]
    assert not panel.is_loading() and panel.loader.isHidden()
    assert settings.recent_files()[0] == str(path)


def test_cancel_keeps_the_text_shown_before(panel, qtbot, tmp_path):
    path = tmp_path / "dickens.txt"
    path.write_text(TEXT, "utf-8")
    loaded = []
    panel.corpus_loaded.connect(loaded.append)
    assert panel.open_path(path)
    panel.loader.cancel_button.click()
    assert not panel.is_loading() and panel.loader.isHidden()
    qtbot.waitUntil(panel.loader.jobs.idle, timeout=30_000)  # the cancelled load has ended
    QCoreApplication.processEvents()  # and whatever it sent before has arrived: it is dropped
    assert loaded == [] and panel.corpus().source == "builtin:hello"


def test_a_bad_big_file_shows_why(panel, qtbot, tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
    with qtbot.waitSignal(panel.corpus_failed, timeout=30_000) as blocker:
        assert panel.open_path(path)
    assert "binary" in blocker.args[0] or "not text" in blocker.args[0].lower()
    assert panel.dataErrorLabel.isVisibleTo(panel) and panel.corpus().source == "builtin:hello"


def test_a_newer_choice_wins_over_a_load_still_running(panel, qtbot, tmp_path):
    path = tmp_path / "dickens.txt"
    path.write_text(TEXT, "utf-8")
    loaded = []
    panel.corpus_loaded.connect(loaded.append)
    assert panel.open_path(path)
    assert panel.load_source("builtin:counting,length=5000")  # chosen while the big one loads
    qtbot.waitUntil(panel.loader.jobs.idle, timeout=30_000)  # every load has ended
    QCoreApplication.processEvents()
    assert [c.source for c in loaded] == ["builtin:counting,length=5000"]
    assert panel.corpus().source == "builtin:counting,length=5000"
