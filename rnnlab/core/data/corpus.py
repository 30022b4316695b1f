"""Corpus: a decoded text as a vocabulary and an encoded id array, split for validation.

    file bytes -> textfile.read_text_pieces: decode (BOM, strict UTF-8 or a named encoding),
                  refuse binary data, normalise newlines and NFC -> str
               -> code points (uint8/uint32, in slices) -> counts -> Vocabulary
               -> lookup table (code point -> id) -> data (uint8/16/32, 1-D)

The last `val_fraction` of the text is the validation part: the split is at the end so
validation text is text the model has never seen, not interleaved lines.

A 100 MB file never becomes a Python list of characters: code points are handled in numpy,
a few million at a time, so peak memory stays a small multiple of the file size.

`CorpusError`, `ERROR_KINDS`, `decode_bytes` and `normalise_text` are re-exported here:
import them from this module.
"""

from __future__ import annotations

import codecs
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnlab.core.data import builtin_corpora, downloads
from rnnlab.core.data.textfile import decode_bytes, normalise_text, read_text_pieces, text_codes
from rnnlab.core.data.vocab import DEFAULT_VOCAB_CAP, REPLACEMENT, Vocabulary, format_chars
from rnnlab.core.errors import ERROR_KINDS, CorpusError

__all__ = ["ERROR_KINDS", "Corpus", "CorpusError", "corpus_from_text", "decode_bytes",
           "is_named_source", "load_corpus", "normalise_text", "require_length", "split_sizes"]

_N_CODES = 0x110000  # every Unicode code point
_SLICE = 1 << 20  # characters per slice: 4 MB of uint32 codes stays in cache


def _check_val_fraction(val_fraction: float) -> None:
    if not 0.0 < val_fraction <= 0.5:
        raise ValueError(f"val_fraction must be in (0, 0.5], not {val_fraction}")


def split_sizes(n_chars: int, val_fraction: float) -> tuple[int, int]:
    """(n_train, n_val): the last floor(n * val_fraction) characters are validation."""
    n_val = math.floor(n_chars * val_fraction + 1e-9)
    return n_chars - n_val, n_val


@dataclass
class Corpus:
    """An encoded text, split into training (start) and validation (end) parts."""

    name: str  # display name: file name, "builtin:python" or "download:alice"
    source: str  # the path, builtin spec or download spec given
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252", ...; "builtin" or "text"
    vocab: Vocabulary
    data: np.ndarray  # (N,) ids, dtype vocab.dtype
    val_fraction: float = 0.1
    warnings: list[str] = field(default_factory=list)
    _symbol_counts: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_val_fraction(self.val_fraction)

    @property
    def stem(self) -> str:
        """A short name fit for a file name: "fox" for fox.txt, "copy" for
        builtin:copy,length=5000, "alice" for download:alice."""
        name = self.name.split(":", 1)[1].split(",")[0] if is_named_source(self.name) else self.name
        return Path(name).stem or "text"

    @property
    def n_chars(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_train(self) -> int:
        return split_sizes(self.n_chars, self.val_fraction)[0]

    @property
    def n_val(self) -> int:
        return split_sizes(self.n_chars, self.val_fraction)[1]

    @property
    def train(self) -> np.ndarray:
        return self.data[: self.n_train]

    @property
    def val(self) -> np.ndarray:
        return self.data[self.n_train :]

    def decode(self, start: int, length: int) -> str:
        """The text of data[start:start+length] (clipped at the end)."""
        if start < 0 or length < 0:
            raise ValueError(f"start and length must be >= 0, not {start} and {length}")
        return self.vocab.decode(self.data[start : start + length])

    def val_snippet(self, length: int = 200) -> str:
        """The first `length` characters of the validation text."""
        return self.decode(self.n_train, length)

    def symbol_counts(self) -> np.ndarray:
        """(V,) occurrences of each symbol, counted once (a 100 MB text takes ~0.5 s: the
        background loader counts them, so the window does not)."""
        if self._symbol_counts is None:
            counts = np.zeros(len(self.vocab), dtype=np.int64)
            for start in range(0, self.n_chars, _SLICE):  # bincount copies its input to int64
                counts += np.bincount(self.data[start : start + _SLICE], minlength=len(self.vocab))
            self._symbol_counts = counts
        return self._symbol_counts

    def most_common(self, k: int = 10) -> list[tuple[str, int]]:
        """The k most frequent symbols with their counts (ties: lower id first)."""
        counts = self.symbol_counts()
        order = np.argsort(-counts, kind="stable")[:k]
        return [(self.vocab.chars[i], int(counts[i])) for i in order if counts[i] > 0]

    def summary(self) -> str:
        """One line, e.g. 'x.txt: 1,115,394 chars, 65 symbols (utf-8); train 1,003,855 / val 111,539'."""
        line = (f"{self.name}: {self.n_chars:,} chars, {len(self.vocab)} symbols ({self.encoding}); "
                f"train {self.n_train:,} / val {self.n_val:,}")
        if self.vocab.folded:
            line += f"; {self.vocab.folded:,} rare chars folded into {REPLACEMENT}"
        return line


# ---- encoding to ids ------------------------------------------------------------------

def _code_slices(text: str | list[str]):
    """Yield (start, code points as uint8 or uint32) for consecutive slices of the text
    (a str, or consecutive pieces of one)."""
    offset = 0
    for piece in [text] if isinstance(text, str) else text:
        for start in range(0, len(piece), _SLICE):
            part = piece[start : start + _SLICE]
            if part.isascii():  # O(1) in CPython; one byte per code is ~5x faster than UTF-32
                yield offset + start, np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            else:
                yield offset + start, text_codes(part)
        offset += len(piece)


def _length(text: str | list[str]) -> int:
    return len(text) if isinstance(text, str) else sum(map(len, text))


def _count_codes(text: str | list[str]) -> np.ndarray:
    """(0x110000,) int64 occurrences of every code point."""
    counts = np.zeros(_N_CODES, dtype=np.int64)
    for _, codes in _code_slices(text):
        c = np.bincount(codes)
        counts[: c.size] += c
    return counts


def _fold_warning(n_distinct: int, n_occ: int, total: int, why: str) -> str:
    return (f"{n_distinct:,} distinct characters ({n_occ:,} occurrences, {n_occ / total:.2%} of the text) "
            f"{why} and are shown as the replacement symbol {REPLACEMENT}.")


def _vocab_from_counts(counts: np.ndarray, cap: int) -> tuple[Vocabulary, list[str]]:
    present = np.flatnonzero(counts)
    vocab = Vocabulary.from_counts({chr(cp): int(counts[cp]) for cp in present}, cap=cap)
    if not vocab.folded:
        return vocab, []
    kept = sum(int(counts[ord(c)]) for c in vocab.chars if c != REPLACEMENT)
    total = int(counts.sum())
    why = f"were folded because the vocabulary is capped at {cap} symbols"
    return vocab, [_fold_warning(vocab.folded, total - kept, total, why)]


def _check_given_vocab(counts: np.ndarray, vocab: Vocabulary, name: str) -> list[str]:
    """Warnings for characters outside a given vocabulary; CorpusError if it cannot fold them."""
    known = {ord(c) for c in vocab.chars if len(c) == 1}
    missing = [cp for cp in np.flatnonzero(counts) if int(cp) not in known]
    if not missing:
        return []
    missing.sort(key=lambda cp: (-counts[cp], cp))  # most frequent first
    n_occ = int(counts[missing].sum())
    if vocab.unknown_id is None:
        shown = format_chars(chr(cp) for cp in missing[:10])
        more = f" and {len(missing) - 10:,} more" if len(missing) > 10 else ""
        raise CorpusError(
            f"{name} has {len(missing):,} characters that are not in the model's vocabulary: "
            f"{shown}{more}. Use a text with the same characters, or train a new model on it.", "vocab")
    why = "are not in the model's vocabulary"
    return [_fold_warning(len(missing), n_occ, int(counts.sum()), why)]


def _encode(text: str | list[str], vocab: Vocabulary) -> np.ndarray:
    """(N,) ids via a code point -> id lookup table, a slice at a time."""
    unk = vocab.unknown_id
    lut = np.full(_N_CODES, unk if unk is not None else 0, dtype=vocab.dtype)
    for i, c in enumerate(vocab.chars):
        if len(c) == 1:
            lut[ord(c)] = i
    data = np.empty(_length(text), dtype=vocab.dtype)
    for start, codes in _code_slices(text):
        np.take(lut, codes, out=data[start : start + codes.size])
    return data


# ---- building corpora -----------------------------------------------------------------

def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:  # "builtin", "text": not a codec
        return encoding


def _c1_warning(counts: np.ndarray, name: str, encoding: str) -> list[str]:
    """C1 control characters (U+0080-U+009F) are invisible and almost never meant: a text
    that holds them was most likely decoded with the wrong single-byte encoding."""
    n = int(counts[0x80:0xA0].sum()) if counts.size > 0xA0 else 0
    if not n:
        return []
    hint = " (a Windows text is usually cp1252, not latin-1)" if _codec(encoding) == "iso8859-1" else ""
    return [f"{name} holds {n:,} invisible control characters (U+0080 to U+009F): it was probably "
            f"decoded with the wrong encoding ({encoding}){hint}. Open it again naming its encoding."]


def _check_length(n: int, name: str, val_fraction: float, min_chars: int) -> None:
    if n == 0:
        raise CorpusError(f"{name} contains no text (0 characters after decoding).", "empty")
    need = math.ceil(2 / val_fraction - 1e-9)
    while min(split_sizes(need, val_fraction)) < 2:
        need += 1
    if n < max(need, min_chars):
        reason = (f"the {val_fraction:.0%} validation split needs at least {need:,} "
                  "(2 characters each for training and validation)")
        if min_chars > need:
            reason = f"these settings need at least {min_chars:,}"
        raise CorpusError(f"{name} is too short: it has {n:,} characters; {reason}.", "too_short")


def _build(text: str | list[str], name: str, source: str, encoding: str, *, vocab_cap: int,
           val_fraction: float, vocab: Vocabulary | None, min_chars: int,
           progress: Callable[[str], None] = lambda stage: None) -> Corpus:
    _check_length(_length(text), name, val_fraction, min_chars)
    progress("counting characters")
    counts = _count_codes(text)
    if vocab is None:
        vocab, warnings = _vocab_from_counts(counts, vocab_cap)
    else:
        warnings = _check_given_vocab(counts, vocab, name)
    warnings = [*warnings, *_c1_warning(counts, name, encoding)]
    del counts
    progress("encoding")
    if len(vocab) == 1:  # trains, but teaches nothing: say so rather than show a flat 0
        warnings = [*warnings, f"{name} has only one distinct character ({format_chars(vocab.chars)}): "
                               "every next character is certain, so the loss is 0 from the first step "
                               "and there is nothing to learn"]
    data = _encode(text, vocab)
    return Corpus(name=name, source=source, encoding=encoding, vocab=vocab, data=data,
                  val_fraction=val_fraction, warnings=warnings)


def corpus_from_text(text: str, name: str = "pasted text", *, vocab_cap: int = DEFAULT_VOCAB_CAP,
                     val_fraction: float = 0.1, vocab: Vocabulary | None = None,
                     min_chars: int = 0) -> Corpus:
    """A corpus from a str (pasted or generated text); newlines and NFC normalised."""
    _check_val_fraction(val_fraction)
    return _build(normalise_text(text), name, name, "text", vocab_cap=vocab_cap,
                  val_fraction=val_fraction, vocab=vocab, min_chars=min_chars)


def is_named_source(source) -> bool:
    """True for "builtin:NAME..." and "download:NAME" (not file paths)."""
    return builtin_corpora.is_builtin_spec(source) or downloads.is_download_spec(source)


def load_corpus(source: str | os.PathLike, *, encoding: str | None = None,
                vocab_cap: int = DEFAULT_VOCAB_CAP, val_fraction: float = 0.1,
                vocab: Vocabulary | None = None, min_chars: int = 0,
                progress: Callable[[str], None] = lambda stage: None) -> Corpus:
    """Load a text file, a built-in corpus ("builtin:NAME[,length=N][,seed=S]") or a
    downloaded text ("download:NAME", from the cache only: never from the network).
    progress(stage) is told each stage ("reading", "counting characters", "encoding") as it
    starts; an exception it raises (e.g. to cancel) ends the load."""
    _check_val_fraction(val_fraction)
    opts = dict(vocab_cap=vocab_cap, val_fraction=val_fraction, vocab=vocab, min_chars=min_chars,
                progress=progress)
    progress("reading")
    if isinstance(source, str) and builtin_corpora.is_builtin_spec(source):
        spec = builtin_corpora.parse_spec(source)
        text = normalise_text(builtin_corpora.generate(spec))
        return _build(text, spec.label, source, "builtin", **opts)
    if downloads.is_download_spec(source):
        info, text, used = downloads.read_download(source)
        return _build(text, info.spec, info.spec, used, **opts)
    path = Path(source)
    text, used = read_text_pieces(path, encoding)  # pieces: a big text is never joined
    return _build(text, path.name, str(source), used, **opts)


def require_length(corpus: Corpus, batch: int, seq: int) -> None:
    """Raise CorpusError(kind="too_short") unless training has batch*seq+1 chars and validation 2."""
    if batch < 1 or seq < 1:
        raise ValueError(f"batch and sequence length must be at least 1, not {batch} and {seq}")
    need = batch * seq + 1
    if corpus.n_train >= need and corpus.n_val >= 2:
        return
    fits = (corpus.n_train - 1) // seq
    hint = (f"with sequence length {seq} a batch of at most {fits:,} fits" if fits >= 1
            else f"the sequence length must be at most {corpus.n_train - 1:,}")
    raise CorpusError(
        f"{corpus.name} is too short for batch {batch} x sequence {seq}: training needs at least "
        f"{need:,} characters and has {corpus.n_train:,}; validation needs at least 2 and has "
        f"{corpus.n_val:,}. Use a smaller batch or sequence length ({hint}), or a longer text.",
        "too_short")
