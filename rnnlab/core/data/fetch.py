"""Fetch one URL into a file, all or nothing: chunks with progress and a cancel check,
verified (length, and SHA-256 where known) before it takes the file's name.

    urlopen -> read1 chunks into .DEST.<random>.part beside DEST (progress, cancel)
            -> check: as many bytes as announced / expected, the expected SHA-256
            -> fsync, replace_file(part, DEST) (os.replace, retried while Windows holds DEST)

Any failure, Ctrl-C included, deletes the part file, so a half download never looks like a
finished one. Every failure is one DownloadError whose message says what happened (no
network, connection refused, HTTP status, timeout, cut short, wrong file, cancelled).
urllib follows redirects and honours the usual proxy variables. Certificates are checked
against the operating system's trust store (truststore): Python's own default has no CA
certificates at all on python.org's macOS builds, and would miss a school's proxy CA.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from rnnlab import __version__
from rnnlab.core.errors import DownloadError
from rnnlab.core.io.atomic import replace_file

CHUNK = 64 * 1024  # bytes per read at most (read1 returns what has arrived, so slow links still move)
DEFAULT_TIMEOUT = 30.0  # s without a byte before giving up
STALE_PART = 3600.0  # s: part files older than this are leftovers of a killed download
NOTHING_SAVED = "Nothing was saved."
Progress = Callable[[int, "int | None"], None]  # (bytes done, total bytes or None if unknown)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or url


def _network_error(label: str, url: str, reason, timeout: float) -> DownloadError:
    host = _host(url)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return DownloadError(f"Could not download {label}: {host} did not answer within "
                             f"{timeout:g} s. {NOTHING_SAVED}", "timeout")
    if isinstance(reason, socket.gaierror):
        why = f"cannot find the server {host} (is this computer offline?)"
    elif isinstance(reason, ConnectionRefusedError):
        port = urlsplit(url).port
        why = f"{host}{f':{port}' if port else ''} refused the connection"
    elif isinstance(reason, ssl.SSLError):
        why = f"the secure connection to {host} failed ({getattr(reason, 'reason', None) or reason})"
    elif isinstance(reason, OSError):
        why = f"no connection to {host} ({reason.strerror or reason})"
    else:
        why = f"no connection to {host} ({reason})"
    return DownloadError(f"Could not download {label}: {why}. Check the internet connection "
                         f"and try again; the built-in texts and your own files work offline. "
                         f"{NOTHING_SAVED}", "network")


def _http_error(label: str, url: str, err: urllib.error.HTTPError) -> DownloadError:
    status = f"HTTP {err.code} {err.reason}".rstrip()
    return DownloadError(f"Could not download {label}: the server answered {status} for {url}. "
                         f"{NOTHING_SAVED}", "http", status=err.code)


@cache
def ssl_context() -> ssl.SSLContext:
    """How https certificates are checked: the system's trust store (truststore), else
    certifi's CA bundle, else Python's default context."""
    try:
        import truststore
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:
        pass
    try:
        import certifi
        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


def _open(url: str, label: str, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": f"rnnlab/{__version__}"})
    try:
        return urllib.request.urlopen(request, timeout=timeout, context=ssl_context())  # noqa: S310 - http(s) only
    except urllib.error.HTTPError as err:
        err.close()
        raise _http_error(label, url, err) from None
    except urllib.error.URLError as err:
        raise _network_error(label, url, err.reason, timeout) from None
    except (OSError, http.client.HTTPException) as err:  # a timeout or reset before the headers
        raise _network_error(label, url, err, timeout) from None


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None and int(value) >= 0 else None
    except ValueError:
        return None


def _check_text(response, label: str) -> None:
    kind = response.headers.get_content_type()
    if kind in ("text/html", "application/xhtml+xml"):
        raise DownloadError(f"Could not download {label}: the network answered with a web page "
                            f"instead of the text (a Wi-Fi login page?). Open a web browser, sign "
                            f"in if asked, then try again. {NOTHING_SAVED}", "not_text")


def _copy(response, out, label: str, total: int | None, progress: Progress | None,
          cancelled: Callable[[], bool] | None, timeout: float, digest) -> int:
    """Copy the body to `out` a chunk at a time; the number of bytes copied."""
    done = 0
    while True:
        if cancelled is not None and cancelled():
            raise DownloadError(f"Download of {label} cancelled. {NOTHING_SAVED}", "cancelled")
        try:
            chunk = response.read1(CHUNK)
        except http.client.IncompleteRead as err:
            done += len(err.partial)
            break  # the connection closed early: reported as cut short below
        except TimeoutError:
            raise DownloadError(f"Download of {label} stalled: no data for {timeout:g} s after "
                                f"{done:,} bytes. {NOTHING_SAVED}", "timeout") from None
        except (OSError, http.client.HTTPException) as err:
            raise DownloadError(f"Download of {label} broke off after {done:,} bytes "
                                f"({getattr(err, 'strerror', None) or err}). {NOTHING_SAVED}",
                                "truncated") from None
        if not chunk:
            break
        out.write(chunk)
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return done


def _verify(label: str, done: int, announced: int | None, size: int | None,
            sha256: str | None, digest) -> None:
    if announced is not None and done < announced:
        raise DownloadError(f"Download of {label} was cut short: got {done:,} of {announced:,} "
                            f"bytes. Try again. {NOTHING_SAVED}", "truncated")
    if size is not None and done < size and announced is None:
        raise DownloadError(f"Download of {label} was cut short: got {done:,} of {size:,} "
                            f"bytes. Try again. {NOTHING_SAVED}", "truncated")
    if size is not None and done != size:
        raise DownloadError(f"Download of {label} is not the expected file: {done:,} bytes "
                            f"instead of {size:,}. {NOTHING_SAVED}", "size")
    got = digest.hexdigest()
    if sha256 is not None and got != sha256.lower():
        raise DownloadError(f"Download of {label} is damaged or not the expected file (its "
                            f"SHA-256 is {got[:16]}…, expected {sha256[:16]}…). {NOTHING_SAVED}",
                            "hash")


def _part_file(dest: Path, label: str):
    """A new part file beside `dest` (old leftovers of killed downloads removed)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        for old in dest.parent.glob(f".{dest.name}.*.part"):
            if time.time() - old.stat().st_mtime > STALE_PART:
                old.unlink(missing_ok=True)
        part = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
        return open(part, "xb")  # a new file with the user's usual permissions (umask)
    except OSError as err:
        raise DownloadError(f"Cannot save {label} in '{dest.parent}': {err.strerror or err}.",
                            "io") from None


def fetch(url: str, dest: str | os.PathLike, *, label: str, size: int | None = None,
          sha256: str | None = None, progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Download `url` to `dest` (replaced only when complete and verified); the byte count.

    `size`/`sha256`: what the file must be, where known (else the Content-Length is the
    check). `progress(done, total)` after every chunk (total None when neither is known);
    `cancelled()` is asked before every chunk. Raises DownloadError; deletes the part file
    on any failure.
    """
    dest = Path(dest)
    if cancelled is not None and cancelled():
        raise DownloadError(f"Download of {label} cancelled. {NOTHING_SAVED}", "cancelled")
    part = _part_file(dest, label)
    try:
        with part, _open(url, label, timeout) as response:
            _check_text(response, label)
            announced = _content_length(response)
            total = announced if announced is not None else size
            if progress is not None:
                progress(0, total)
            digest = hashlib.sha256()
            done = _copy(response, part, label, total, progress, cancelled, timeout, digest)
            _verify(label, done, announced, size, sha256, digest)
            part.flush()
            os.fsync(part.fileno())
        replace_file(part.name, dest)
    except BaseException as err:  # Ctrl-C too: never leave a half file behind
        Path(part.name).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise DownloadError(f"Cannot save {label} in '{dest.parent}': "
                                f"{err.strerror or err}. {NOTHING_SAVED}", "io") from None
        raise
    return done
