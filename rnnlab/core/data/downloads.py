"""Downloadable texts: fetched once on demand, kept in the user's data folder, offline after.

    tinyshakespeare  Karpathy's char-rnn data set (1,115,394 bytes, checked by SHA-256)
    alice, pride, sherlock   public-domain books from Project Gutenberg (plain text)

Once downloaded, a text works wherever a file path does, as "download:NAME". Opening
"download:NAME" never touches the network: if the file is not there, the CorpusError
("not_downloaded") says how to download it. Only `download()` goes online.

Where the files live: "corpora" in rnnlab's data folder (rnnlab.core.paths).

Where they come from: the catalogue's URLs, or, when a base URL is given (the `base_url`
argument or $RNNLAB_DOWNLOAD_URL), BASE/NAME.txt: a classroom mirror, or a test server.

The files are kept exactly as downloaded; Project Gutenberg's licence header and footer
are cut off when the text is read, so the validation split (the end) is the book's end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rnnlab.core.data.fetch import DEFAULT_TIMEOUT, Progress, fetch
from rnnlab.core.data.textfile import read_text
from rnnlab.core.errors import CorpusError
from rnnlab.core.paths import data_dir

PREFIX = "download:"
BASE_URL_ENV = "RNNLAB_DOWNLOAD_URL"
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG EBOOK.*$", re.M | re.I)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG EBOOK.*$", re.M | re.I)


@dataclass(frozen=True)
class DownloadInfo:
    name: str
    title: str
    description: str
    url: str
    size: int | None = None  # bytes, when the file is fixed (checked after download)
    sha256: str | None = None  # hex, when the file is fixed
    approx_size: int = 0  # bytes, for display when `size` is not known exactly
    gutenberg: bool = False  # cut Project Gutenberg's header and licence when reading

    @property
    def spec(self) -> str:
        return PREFIX + self.name

    @property
    def filename(self) -> str:
        return f"{self.name}.txt"

    @property
    def size_label(self) -> str:
        """'1.1 MB' (exact) or 'about 170 kB'."""
        if self.size is not None:
            return format_bytes(self.size)
        return f"about {format_bytes(self.approx_size)}"


def format_bytes(n: int) -> str:
    """1_115_394 -> '1.1 MB'; 170_000 -> '170 kB'; 512 -> '512 bytes'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1000:.0f} kB" if n >= 1000 else f"{n:,} bytes"


_GUTENBERG = "https://www.gutenberg.org/cache/epub/{0}/pg{0}.txt"
CATALOGUE: dict[str, DownloadInfo] = {info.name: info for info in (
    DownloadInfo(
        "tinyshakespeare", "Tiny Shakespeare",
        "40,000 lines of Shakespeare's plays: the classic char-rnn text (A. Karpathy)",
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        size=1_115_394,
        sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
    DownloadInfo("alice", "Alice's Adventures in Wonderland",
                 "Lewis Carroll, 1865; a short novel (Project Gutenberg #11)",
                 _GUTENBERG.format(11), approx_size=170_000, gutenberg=True),
    DownloadInfo("pride", "Pride and Prejudice",
                 "Jane Austen, 1813; a novel (Project Gutenberg #1342)",
                 _GUTENBERG.format(1342), approx_size=750_000, gutenberg=True),
    DownloadInfo("sherlock", "The Adventures of Sherlock Holmes",
                 "Arthur Conan Doyle, 1892; twelve stories (Project Gutenberg #1661)",
                 _GUTENBERG.format(1661), approx_size=600_000, gutenberg=True),
)}


# ---- the catalogue and the specs ------------------------------------------------------

def list_downloads() -> list[DownloadInfo]:
    return list(CATALOGUE.values())


def _known() -> str:
    return ", ".join(info.spec for info in CATALOGUE.values())


def get_download(name: str) -> DownloadInfo:
    """The catalogue entry for NAME or download:NAME; CorpusError "unknown_download"."""
    key = name.strip()
    if key.lower().startswith(PREFIX):
        key = key[len(PREFIX):]
    key = key.strip().lower()
    if key not in CATALOGUE:
        raise CorpusError(f"Unknown downloadable text {key!r}; the downloadable texts are "
                          f"{_known()}.", "unknown_download")
    return CATALOGUE[key]


def is_download_spec(source) -> bool:
    return isinstance(source, str) and source.strip().lower().startswith(PREFIX)


# ---- the cache ------------------------------------------------------------------------

def cache_dir() -> Path:
    """Where downloaded texts are kept."""
    return data_dir() / "corpora"


def cached_path(info: DownloadInfo) -> Path:
    """The file a downloaded text has (or will have)."""
    return cache_dir() / info.filename


def is_cached(info: DownloadInfo) -> bool:
    return cached_path(info).is_file()


def cached_downloads() -> list[DownloadInfo]:
    """The catalogue entries that are downloaded, in catalogue order."""
    return [info for info in CATALOGUE.values() if is_cached(info)]


def strip_gutenberg(text: str) -> str:
    """The book between Project Gutenberg's "*** START OF ..." and "*** END OF ..." lines
    (all of it when a marker is missing)."""
    start = _GUTENBERG_START.search(text)
    begin = start.end() if start else 0
    end = _GUTENBERG_END.search(text, begin)
    body = text[begin:end.start() if end else len(text)].strip("\n")
    return body + "\n" if body else ""


def read_download(source: str) -> tuple[DownloadInfo, str, str]:
    """(entry, text, encoding) of a downloaded text "download:NAME", from the cache only."""
    info = get_download(source)
    path = cached_path(info)
    if not path.is_file():
        raise CorpusError(
            f"{info.spec} ({info.title}, {info.size_label}) is not downloaded yet. Download it "
            f"once with `rnnlab corpora --download {info.name}` or in the app with File > "
            f"Download a text…; after that it works offline.", "not_downloaded")
    text, encoding = read_text(path)
    return info, strip_gutenberg(text) if info.gutenberg else text, encoding


# ---- downloading ----------------------------------------------------------------------

def download_url(info: DownloadInfo, base_url: str | None = None) -> str:
    """Where the text is fetched from: BASE/NAME.txt when a base URL is given (argument,
    else $RNNLAB_DOWNLOAD_URL), else the catalogue's URL."""
    base = base_url or os.environ.get(BASE_URL_ENV)
    return f"{base.rstrip('/')}/{info.filename}" if base else info.url


def download(name: str | DownloadInfo, *, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None, base_url: str | None = None,
             force: bool = False, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Download a text into the cache (unless it is there already and not `force`); its path.

    `progress(done, total)` after each chunk (total None when unknown); `cancelled()` is
    asked between chunks. A failure raises DownloadError and leaves the cache as it was.
    """
    info = name if isinstance(name, DownloadInfo) else get_download(name)
    path = cached_path(info)
    if path.is_file() and not force:
        return path
    fetch(download_url(info, base_url), path, label=info.title, size=info.size,
          sha256=info.sha256, progress=progress, cancelled=cancelled, timeout=timeout)
    return path
