"""DownloadDialog against a local HTTP server: the bar moves, Cancel keeps nothing, success
opens the text, a failure shows its message; the window stays responsive throughout."""

import os
import threading

import pytest

from rnnlab.core.data.downloads import cache_dir, get_download
from rnnlab.gui.panels.download_dialog import DownloadDialog
from tests.local_server import body, gutenberg_file, slow, status

BOOK = "The rabbit-hole went straight on like a tunnel for some way, and then dipped.\n" * 300


@pytest.fixture
def dialog(qtbot, local_server):
    widget = DownloadDialog(base_url=local_server.base)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def rows(dialog):
    tree = dialog.downloadList
    return [[tree.topLevelItem(i).text(c) for c in range(3)] for i in range(tree.topLevelItemCount())]


def test_lists_the_catalogue_with_size_and_state(dialog):
    listed = rows(dialog)
    assert listed[0] == ["Tiny Shakespeare", "1.1 MB", "not yet"]
    assert ["Alice's Adventures in Wonderland", "about 170 kB", "not yet"] in listed
    assert dialog.downloadButton.text() == "Download" and dialog.downloadProgress.isHidden()
    assert not dialog.cancelDownloadButton.isEnabled()
    assert str(cache_dir()) in dialog.findChild(object, "downloadFolderLabel").text()


def test_download_moves_the_bar_then_opens_the_text(dialog, qtbot, local_server):
    stop = threading.Event()
    data = gutenberg_file(BOOK)
    local_server.add("alice.txt", slow(data, piece=1024, pause=0.02, stop=stop))  # ~0.5 s
    dialog.choose("alice")
    values = []
    dialog.downloadProgress.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.text_chosen, timeout=20000) as chosen:
        dialog.downloadButton.click()
        assert dialog.cancelDownloadButton.isEnabled() and not dialog.downloadList.isEnabled()
        qtbot.waitUntil(lambda: 0 < dialog.downloadProgress.value() < 1000, timeout=10000)
    stop.set()
    assert chosen.args == ["download:alice"]
    assert len(set(values)) > 3 and values == sorted(values)  # it moved, forwards
    assert not dialog.isVisible()  # closes on success
    assert (cache_dir() / "alice.txt").read_bytes() == data
    assert ["Alice's Adventures in Wonderland", f"{len(data) / 1000:.0f} kB", "downloaded"] in rows(dialog)


def start_slow_download(dialog, qtbot, local_server) -> threading.Event:
    """Start downloading "pride" from a slow server; wait for the bar to move. Set the
    returned event to stop the server."""
    stop = threading.Event()
    local_server.add("pride.txt", slow(gutenberg_file(BOOK * 20), pause=0.02, stop=stop))
    dialog.choose("pride")
    dialog.downloadButton.click()
    qtbot.waitUntil(lambda: dialog.downloadProgress.value() > 0, timeout=10000)
    return stop


def test_cancel_stops_at_once_and_keeps_nothing(dialog, qtbot, local_server):
    stop = start_slow_download(dialog, qtbot, local_server)
    with qtbot.assertNotEmitted(dialog.text_chosen, wait=300):
        dialog.cancelDownloadButton.click()
        assert "cancelled" in dialog.downloadStatusLabel.text()
        assert dialog.downloadButton.isEnabled() and not dialog.cancelDownloadButton.isEnabled()
    stop.set()
    qtbot.waitUntil(lambda: os.listdir(cache_dir()) == [], timeout=5000)  # the part file went
    assert dialog.isVisible() and rows(dialog)[2][2] == "not yet"


def test_failure_shows_the_message_and_allows_a_retry(dialog, qtbot, local_server):
    local_server.add("sherlock.txt", status(404))
    dialog.choose("sherlock")
    dialog.downloadButton.click()
    qtbot.waitUntil(lambda: "HTTP 404" in dialog.downloadStatusLabel.text(), timeout=10000)
    assert "color" in dialog.downloadStatusLabel.styleSheet()  # shown in red
    assert dialog.isVisible() and dialog.downloadButton.isEnabled()
    assert dialog.downloadProgress.isHidden() and not os.listdir(cache_dir())
    local_server.add("sherlock.txt", body(gutenberg_file(BOOK)))
    with qtbot.waitSignal(dialog.text_chosen, timeout=10000):
        dialog.downloadButton.click()


def test_a_downloaded_text_opens_without_a_request(dialog, qtbot, local_server):
    path = cache_dir() / get_download("alice").filename
    path.parent.mkdir(parents=True)
    path.write_bytes(gutenberg_file(BOOK))
    dialog.refresh()
    dialog.choose("alice")
    assert dialog.downloadButton.text() == "Open"
    with qtbot.waitSignal(dialog.text_chosen) as chosen:
        dialog.downloadButton.click()
    assert chosen.args == ["download:alice"] and local_server.requests == []


def test_closing_the_dialog_cancels_the_download(dialog, qtbot, local_server):
    stop = start_slow_download(dialog, qtbot, local_server)
    dialog.reject()
    assert not dialog.is_downloading()
    stop.set()
    qtbot.waitUntil(lambda: os.listdir(cache_dir()) == [], timeout=5000)
