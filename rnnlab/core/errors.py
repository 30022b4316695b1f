"""CorpusError: the one error a text can raise, shared by decoding, corpus building and built-ins.

It lives on its own so that textfile, corpus and builtin_corpora can all raise it without
importing one another (corpus.py re-exports it: `from rnnlab.core.corpus import CorpusError`).
"""

from __future__ import annotations

ERROR_KINDS = ("not_found", "binary", "encoding", "empty", "too_short", "unknown_builtin",
               "bad_spec", "io", "vocab")


class CorpusError(ValueError):
    """A text that cannot be used, with a `kind` (see ERROR_KINDS) the GUI can act on."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind
