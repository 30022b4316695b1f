"""Downloadable texts against a local HTTP server on 127.0.0.1 (never the internet): good
files, every kind of failure with its message, cancel, the cache, and download:NAME."""

import hashlib
import os
import socket
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rnnlab.core import paths
from rnnlab.core.data import downloads
from rnnlab.core.data.corpus import CorpusError, load_corpus
from rnnlab.core.data.downloads import DownloadInfo, cache_dir, download, get_download
from rnnlab.core.errors import DOWNLOAD_REASONS, ERROR_KINDS, DownloadError
from tests.conftest import SHAKESPEARE
from tests.local_server import body, gutenberg_file, redirect, slow, stall, status

DATA = ("First Citizen:\nBefore we proceed any further, hear me speak.\n" * 400).encode()
BOOK = "Alice was beginning to get very tired of sitting by her sister on the bank.\n" * 60


def entry(name="sample", data=DATA, exact=True, **kw):
    """A catalogue entry for a test file (size and hash of `data` when `exact`)."""
    if exact:
        kw.setdefault("size", len(data))
        kw.setdefault("sha256", hashlib.sha256(data).hexdigest())
    return DownloadInfo(name, name.title(), "a test text", "https://example.invalid/x.txt", **kw)


def leftovers() -> list[str]:
    folder = cache_dir()
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def fail(server, info, **kw) -> DownloadError:
    with pytest.raises(DownloadError) as caught:
        download(info, base_url=server.base, **kw)
    assert caught.value.kind == "download" and caught.value.kind in ERROR_KINDS
    assert caught.value.reason in DOWNLOAD_REASONS
    assert "Nothing was saved" in str(caught.value)
    assert leftovers() == [], "a failed download left a file in the cache"
    return caught.value


# ---- the catalogue and the cache folder --------------------------------------------------

def test_catalogue_entries_are_complete():
    infos = downloads.list_downloads()
    assert [i.name for i in infos][0] == "tinyshakespeare" and len(infos) >= 3
    for info in infos:
        assert info.url.startswith("https://") and info.spec == f"download:{info.name}"
        assert info.size or info.approx_size
        assert get_download(info.spec) is info and get_download(info.name.upper()) is info
    shakespeare = get_download("tinyshakespeare")
    assert shakespeare.size == 1_115_394 and shakespeare.size_label == "1.1 MB"
    assert get_download("alice").size_label.startswith("about ")


@pytest.mark.skipif(not os.path.isfile(SHAKESPEARE), reason="no local tiny-shakespeare")
def test_tinyshakespeare_size_and_hash_match_the_local_copy():
    data = Path(SHAKESPEARE).read_bytes()
    info = get_download("tinyshakespeare")
    assert len(data) == info.size and hashlib.sha256(data).hexdigest() == info.sha256


def test_data_folder_env_and_platform_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine" / "corpora"
    monkeypatch.delenv("RNNLAB_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "rnnlab"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert paths.data_dir() == tmp_path / ".local" / "share" / "rnnlab"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert paths.data_dir() == tmp_path / "Library" / "Application Support" / "rnnlab"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert paths.data_dir() == tmp_path / "Local" / "rnnlab"


def test_base_url_from_argument_or_environment(monkeypatch):
    info = get_download("alice")
    assert downloads.download_url(info) == info.url
    monkeypatch.setenv("RNNLAB_DOWNLOAD_URL", "http://mirror.school:8000/texts/")
    assert downloads.download_url(info) == "http://mirror.school:8000/texts/alice.txt"
    assert downloads.download_url(info, "http://127.0.0.1:1") == "http://127.0.0.1:1/alice.txt"


# ---- good downloads ----------------------------------------------------------------------

def test_good_file_with_progress_lands_whole(local_server):
    local_server.add("sample.txt", body(DATA))
    seen = []
    path = download(entry(), base_url=local_server.base, progress=lambda d, t: seen.append((d, t)))
    assert path == cache_dir() / "sample.txt" and path.read_bytes() == DATA
    assert seen[0] == (0, len(DATA)) and seen[-1] == (len(DATA), len(DATA))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert leftovers() == ["sample.txt"]  # no part file


def test_cached_text_is_reused_without_a_request(local_server):
    local_server.add("sample.txt", body(DATA))
    first = download(entry(), base_url=local_server.base)
    second = download(entry(), base_url=local_server.base)
    assert first == second and local_server.requests == ["/sample.txt"]


def test_unknown_length_and_redirects_work(local_server):
    local_server.add("moved.txt", redirect("/sample.txt"))
    local_server.add("sample.txt", body(DATA, length=False))  # ends when the connection closes
    seen = []
    info = DownloadInfo("moved", "Moved", "", "https://example.invalid/x.txt")  # no size, no hash
    path = download(info, base_url=local_server.base, progress=lambda d, t: seen.append(t))
    assert path.read_bytes() == DATA and set(seen) == {None}
    assert local_server.requests == ["/moved.txt", "/sample.txt"]


def test_a_failed_refresh_keeps_the_cached_file(local_server):
    local_server.add("sample.txt", body(DATA))
    path = download(entry(), base_url=local_server.base)
    local_server.add("sample.txt", status(500))
    with pytest.raises(DownloadError):
        download(entry(), base_url=local_server.base, force=True)
    assert path.read_bytes() == DATA and leftovers() == ["sample.txt"]


# ---- failures: each with a message that says what happened --------------------------------

@pytest.mark.parametrize("code, words", [(404, "HTTP 404 Not Found"),
                                         (500, "HTTP 500 Internal Server Error")])
def test_http_errors_say_the_status(local_server, code, words):
    local_server.add("sample.txt", status(code))
    err = fail(local_server, entry())
    assert err.reason == "http" and err.status == code and words in str(err)
    assert local_server.url("sample.txt") in str(err)


def test_a_body_shorter_than_announced_is_truncated(local_server):
    local_server.add("sample.txt", body(DATA[:1000], announce=len(DATA)))
    err = fail(local_server, entry(exact=False))
    assert err.reason == "truncated"
    assert f"got 1,000 of {len(DATA):,} bytes" in str(err)


def test_short_without_a_length_is_truncated_against_the_known_size(local_server):
    local_server.add("sample.txt", body(DATA[:1000], length=False))
    err = fail(local_server, entry())
    assert err.reason == "truncated" and f"got 1,000 of {len(DATA):,} bytes" in str(err)


def test_wrong_content_fails_the_hash(local_server):
    wrong = DATA.replace(b"Citizen", b"Zitizen")  # same length, other bytes
    local_server.add("sample.txt", body(wrong))
    err = fail(local_server, entry())
    assert err.reason == "hash" and "SHA-256" in str(err)


def test_another_size_than_expected_is_refused(local_server):
    local_server.add("sample.txt", body(DATA + b"more"))
    err = fail(local_server, entry())
    assert err.reason == "size" and f"{len(DATA) + 4:,} bytes instead of {len(DATA):,}" in str(err)


def test_a_web_page_instead_of_the_text_is_refused(local_server):
    local_server.add("sample.txt", body(b"<html>Please sign in to the Wi-Fi</html>", "text/html"))
    err = fail(local_server, entry(exact=False))
    assert err.reason == "not_text" and "web page" in str(err)


def test_connection_refused():
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError) as caught:
        download(entry(), base_url=f"http://127.0.0.1:{port}")
    assert caught.value.reason == "network"
    assert f"127.0.0.1:{port} refused the connection" in str(caught.value)
    assert leftovers() == []


def test_no_network_says_offline(monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DownloadError) as caught:
        download("alice")
    assert caught.value.reason == "network"
    assert "cannot find the server www.gutenberg.org (is this computer offline?)" in str(caught.value)
    assert leftovers() == []


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(DownloadError) as caught:
            download(entry(), base_url=f"http://127.0.0.1:{port}", timeout=0.3)
    assert caught.value.reason == "timeout" and "did not answer within 0.3 s" in str(caught.value)
    assert leftovers() == []


def test_a_stalled_body_times_out(local_server):
    local_server.add("sample.txt", stall(local_server.release, head=DATA[:500], announce=len(DATA)))
    err = fail(local_server, entry(), timeout=0.3)
    assert err.reason == "timeout" and "no data for 0.3 s after 500 bytes" in str(err)


def test_cancel_stops_a_slow_download_and_keeps_nothing(local_server):
    stop = threading.Event()
    local_server.add("sample.txt", slow(DATA, pause=0.01, stop=stop))
    seen = []
    err = fail(local_server, entry(), progress=lambda d, t: seen.append(d),
               cancelled=lambda: len(seen) > 3)
    stop.set()
    assert err.reason == "cancelled" and "cancelled" in str(err)
    assert 0 < seen[-1] < len(DATA)


def test_unwritable_cache_folder_is_an_io_error(local_server, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(blocker))
    local_server.add("sample.txt", body(DATA))
    with pytest.raises(DownloadError) as caught:
        download(entry(), base_url=local_server.base)
    assert caught.value.reason == "io" and "Cannot save" in str(caught.value)
    assert local_server.requests == []  # checked before going online


# ---- download:NAME wherever a path goes ---------------------------------------------------

def test_a_text_not_downloaded_says_how_and_goes_nowhere(local_server):
    with pytest.raises(CorpusError) as caught:
        load_corpus("download:alice")
    assert caught.value.kind == "not_downloaded"
    assert "rnnlab corpora --download alice" in str(caught.value)
    assert "File > Download a text" in str(caught.value)
    assert local_server.requests == []


def test_unknown_download_lists_the_known_ones():
    with pytest.raises(CorpusError) as caught:
        load_corpus("download:hamlet")
    assert caught.value.kind == "unknown_download" and "download:tinyshakespeare" in str(caught.value)


def test_downloaded_gutenberg_book_loads_without_the_licence(local_server):
    local_server.add("alice.txt", body(gutenberg_file(BOOK)))
    download("alice", base_url=local_server.base)
    corpus = load_corpus(" Download:Alice ")
    assert corpus.name == corpus.source == "download:alice" and corpus.stem == "alice"
    assert corpus.decode(0, corpus.n_chars) == BOOK  # no header, licence, BOM or \r
    assert corpus.encoding == "utf-8-sig"


def test_strip_gutenberg_keeps_texts_without_markers():
    assert downloads.strip_gutenberg("just a text\n") == "just a text\n"
    marked = ("head\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\nbody\n"
              "*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence\n")
    assert downloads.strip_gutenberg(marked) == "body\n"
