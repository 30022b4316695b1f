"""CorpusError: the one error a text can raise, shared by decoding, corpus building, built-ins
and downloads; DownloadError, its kind for a download that did not complete.

It lives on its own so that textfile, corpus, builtin_corpora, downloads and fetch can all
raise it without importing one another (corpus.py re-exports CorpusError:
`from rnnlab.core.data.corpus import CorpusError`).
"""

from __future__ import annotations

ERROR_KINDS = ("not_found", "binary", "encoding", "empty", "too_short", "unknown_builtin",
               "bad_spec", "io", "vocab", "unknown_download", "not_downloaded", "download")
DOWNLOAD_REASONS = ("network", "timeout", "http", "not_text", "truncated", "size", "hash",
                    "cancelled", "io")


class CorpusError(ValueError):
    """A text that cannot be used, with a `kind` (see ERROR_KINDS) the GUI can act on."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class DownloadError(CorpusError):
    """A download that did not complete (kind "download"); nothing was saved.

    `reason` says why (see DOWNLOAD_REASONS): network (no connection, refused, host not
    found), timeout, http (the server answered an error status; `status` holds it), not_text
    (a web page came instead, e.g. a Wi-Fi login page), truncated (fewer bytes than
    announced), size or hash (not the expected file), cancelled, io (the cache folder).
    """

    def __init__(self, message: str, reason: str, status: int | None = None):
        super().__init__(message, "download")
        self.reason = reason
        self.status = status
