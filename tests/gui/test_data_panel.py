"""DataPanel: loading built-ins, files and pasted text; errors keep the old corpus."""

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from rnnlab import resources
from rnnlab.gui.look import settings
from rnnlab.gui.panels.data_panel import DataPanel, show_char

GOOD = "The quick brown fox jumps over the lazy dog.\nAnd again: the quick brown fox.\n" * 20


@pytest.fixture
def panel(qtbot):
    widget = DataPanel()
    qtbot.addWidget(widget)
    return widget


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_good_utf8_file_loads_and_shows_sizes(panel, qtbot, tmp_path):
    path = _write(tmp_path, "fox.txt", GOOD.encode("utf-8"))
    with qtbot.waitSignal(panel.corpus_loaded) as blocker:
        assert panel.open_path(path)
    corpus = blocker.args[0]
    assert panel.corpus() is corpus and panel.current_source() == path
    assert panel.findChild(object, "charsLabel").text() == f"{len(GOOD):,}"
    assert panel.findChild(object, "splitLabel").text() == f"{corpus.n_train:,} / {corpus.n_val:,}"
    assert panel.findChild(object, "vocabLabel").text().startswith(f"{len(corpus.vocab)} symbols")
    assert panel.findChild(object, "encodingLabel").text() == "utf-8"
    top = panel.findChild(object, "topCharsLabel").text()
    assert top.split()[0] == "␣"  # space is the most frequent character
    assert panel.dataErrorLabel.isHidden()
    assert panel.corpusCombo.currentData() == path


def test_binary_file_shows_error_and_keeps_old_corpus(panel, qtbot, tmp_path):
    assert panel.load_source("builtin:hello")
    old = panel.corpus()
    path = _write(tmp_path, "blob.bin", bytes(range(1, 32)) * 64)  # control codes, no NUL
    with qtbot.waitSignal(panel.corpus_failed) as blocker:
        assert not panel.open_path(path)
    assert "binary" in blocker.args[0]
    assert not panel.dataErrorLabel.isHidden()
    assert "blob.bin" in panel.dataErrorLabel.text()
    assert panel.corpus() is old and panel.current_source() == "builtin:hello"
    assert panel.corpusCombo.currentData() == "builtin:hello"  # the combo shows what is loaded
    assert panel.encodingBox.isHidden()


def test_cp1252_file_offers_encoding_retry(panel, qtbot, tmp_path):
    path = _write(tmp_path, "cafe.txt", ("Café crème, naïve façade – €5.\n" * 10).encode("cp1252"))
    assert not panel.open_path(path)
    assert not panel.encodingBox.isHidden()
    assert "--encoding" not in panel.dataErrorLabel.text()
    combo = panel.encodingCombo
    assert combo.isEditable() and combo.currentText() == "cp1252"
    with qtbot.waitSignal(panel.corpus_loaded) as blocker:
        panel.retryEncodingButton.click()
    assert blocker.args[0].encoding == "cp1252"
    assert "€" in blocker.args[0].vocab
    assert panel.encodingBox.isHidden() and panel.dataErrorLabel.isHidden()


def test_bomless_utf16_is_offered_utf16(panel, qtbot, tmp_path):
    path = _write(tmp_path, "wide.txt", ("wide text\n" * 20).encode("utf-16-le"))
    assert not panel.open_path(path)
    assert not panel.encodingBox.isHidden()
    assert panel.encodingCombo.currentText() == "utf-16-le"
    with qtbot.waitSignal(panel.corpus_loaded):
        panel.retryEncodingButton.click()


def test_empty_file_shows_the_reason(panel, tmp_path):
    path = _write(tmp_path, "empty.txt", b"")
    assert not panel.open_path(path)
    assert "0 characters" in panel.dataErrorLabel.text()
    assert panel.corpus() is None


def test_recent_files_update(panel, tmp_path):
    first = _write(tmp_path, "a.txt", GOOD.encode())
    second = _write(tmp_path, "b.txt", GOOD.upper().encode())
    panel.open_path(first)
    panel.open_path(second)
    panel.open_path(first)
    assert settings.recent_files() == [first, second]
    data = [panel.corpusCombo.itemData(i) for i in range(panel.corpusCombo.count())]
    assert data[0] == "builtin:python"
    assert data[-2:] == [first, second]


def test_builtin_chosen_in_the_combo_loads(panel, qtbot):
    combo = panel.corpusCombo
    assert combo.currentData() == "builtin:python"  # the default, shown but not loaded yet
    assert combo.currentText() == "python — Python source (2.0 M chars)"
    with qtbot.waitSignal(panel.corpus_loaded) as blocker:
        combo.setCurrentIndex(combo.findData("builtin:hello"))
    assert blocker.args[0].source == "builtin:hello"
    assert panel.current_source() == "builtin:hello"
    loads = []
    panel.corpus_loaded.connect(loads.append)
    combo.activated.emit(combo.currentIndex())  # a user's pick also emits activated: no reload
    assert loads == []


def test_choosing_the_shown_default_loads_it(panel, qtbot):
    with qtbot.waitSignal(panel.corpus_loaded) as blocker:
        panel.corpusCombo.activated.emit(0)  # "python" is shown at start but not loaded yet
    assert blocker.args[0].source == "builtin:python"


def test_pasted_text_and_drop(panel, qtbot, tmp_path):
    assert panel.use_text("abcabc\n" * 10)
    assert panel.corpus().name == "pasted text"
    assert panel.corpusCombo.currentData() == "pasted:"
    path = _write(tmp_path, "drop.txt", GOOD.encode())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path)])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.corpus_loaded):
        panel.dropEvent(event)
    assert panel.current_source() == path


def test_show_char():
    assert [show_char(c) for c in "\n \tab"] == ["⏎", "␣", "⇥", "a", "b"]
    assert show_char("\x07") == "U+0007"


def test_show_corpus_from_elsewhere_emits_nothing(panel, qtbot, small_corpus):
    with qtbot.assertNotEmitted(panel.corpus_loaded):
        panel.show_corpus(small_corpus)
    assert panel.corpus() is small_corpus
    assert panel.charsLabel.text() == f"{small_corpus.n_chars:,}"
    assert panel.encodingLabel.text() == "typed or pasted"


def test_bomless_big_endian_utf16_is_offered_big_endian(panel, qtbot, tmp_path):
    path = _write(tmp_path, "wide-be.txt", ("wide text\n" * 20).encode("utf-16-be"))
    assert not panel.open_path(path)
    assert panel.encodingCombo.currentText() == "utf-16-be"
    with qtbot.waitSignal(panel.corpus_loaded):
        panel.retryEncodingButton.click()


def test_a_picture_offers_no_retry(panel, tmp_path):
    path = _write(tmp_path, "picture.png", resources.icon_bytes())
    assert not panel.open_path(path)
    assert "binary" in panel.dataErrorLabel.text() and panel.encodingBox.isHidden()
