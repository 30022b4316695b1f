"""Memorisation meter: how much of a generated sample is copied verbatim from the text the
model was trained on.

Two numbers a class can read: the share of the sample's 20-character pieces that occur
somewhere in the training text (0% = all new, 100% = a collage of quotations), and the
longest pieces copied whole. Both work on the corpus's character ids with rolling hashes
in numpy (a million-character text in well under a second); every reported copy is
confirmed with an exact string search, so a hash collision can never invent one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.core.data.vocab import char_symbol

N_GRAM = 20  # the piece length of the share (long enough that a match is not chance)
MAX_BLANK_RUN = 4  # the longest copy counted holds no longer run of spaces, tabs or newlines
_BASE = np.uint64(1_000_003)  # rolling-hash multiplier (odd); arithmetic wraps modulo 2**64
_INVERSE = np.uint64(pow(1_000_003, -1, 2**64))


@dataclass
class MemorisationReport:
    n: int  # piece length of the share
    pieces: int  # n-character pieces in the sample
    copied_pieces: int  # of those, how many occur in the training text
    longest: list[str]  # the longest sample substrings with a letter (no long blank run) found in the training text
    longest_length: int

    @property
    def share(self) -> float:
        """Fraction of the sample's n-character pieces found in the training text (0 when
        the sample is shorter than n)."""
        return self.copied_pieces / self.pieces if self.pieces else 0.0

    def summary(self, max_shown: int = 40) -> str:
        """One sentence for a class: the share of copied pieces and the longest copy (with
        spaces and newlines made visible: ␣, ⏎)."""
        if self.pieces == 0:
            return f"Copied from the training text: too short to tell (under {self.n} characters)."
        if not self.longest:
            return (f"Copied from the training text: {self.share:.0%} of its {self.n}-character pieces; "
                    "no piece with a letter in it.")
        longest = self.longest[0]
        shown = longest if len(longest) <= max_shown else longest[: max_shown - 3] + "…"
        return (f"Copied from the training text: {self.share:.0%} of its {self.n}-character pieces; "
                f"longest copy {self.longest_length} characters"
                + (f": “{''.join(char_symbol(c) for c in shown)}”" if shown else "") + ".")


class _WindowHashes:
    """Hashes of every window of any length in O(len) numpy work per length, from prefix
    sums G[i] = sum_{j<i} x_j B^j (mod 2**64): the window [i, i+L) is (G[i+L] - G[i]) B^-i.
    B is odd, so it has an inverse modulo 2**64 and equal windows get equal hashes
    wherever they are."""

    def __init__(self, ids: np.ndarray):
        x = np.asarray(ids).astype(np.uint64) + np.uint64(1)  # + 1: a 0 id still counts
        with np.errstate(over="ignore"):
            powers = np.concatenate([[np.uint64(1)], np.cumprod(np.full(max(len(x) - 1, 0), _BASE,
                                                                         dtype=np.uint64))])[: len(x)]
            self._prefix = np.concatenate([[np.uint64(0)], np.cumsum(x * powers, dtype=np.uint64)])
            self._inverse = np.concatenate([[np.uint64(1)], np.cumprod(np.full(max(len(x) - 1, 0), _INVERSE,
                                                                               dtype=np.uint64))])[: len(x)]
        self.n = len(x)

    def windows(self, length: int) -> np.ndarray:
        """(n - length + 1,) uint64 hashes of the windows of `length` (empty when shorter)."""
        if length <= 0 or self.n < length:
            return np.zeros(0, dtype=np.uint64)
        count = self.n - length + 1
        with np.errstate(over="ignore"):
            return (self._prefix[length:] - self._prefix[:count]) * self._inverse[:count]


def ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """Hash of every n-long window of ids, (len(ids) - n + 1,) uint64 (empty when shorter)."""
    return _WindowHashes(ids).windows(n)


def _copied(sample: _WindowHashes, train: _WindowHashes, n: int) -> np.ndarray:
    """For each n-window of the sample: does it (by hash) occur in the training ids?
    (A sort and a binary search: np.isin's hashing is ~15x slower on a million windows.)"""
    known, wanted = np.sort(train.windows(n)), sample.windows(n)
    if not len(known):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    return known[at] == wanted


def measure(sample_ids: np.ndarray, train_ids: np.ndarray, train_text: str, decode,
            n: int = N_GRAM, top: int = 3, progress=lambda _length: None) -> MemorisationReport:
    """The report for a sample (ids in the corpus's vocabulary) against the training part
    (its ids and its text; `decode(ids) -> str`). The longest copy counted is the longest
    that holds a letter and no run of more than MAX_BLANK_RUN spaces, tabs or newlines:
    blanks (a code file's indentation, empty lines) are copied from every text and say
    nothing. It is found by bisection on the length: a copied piece of length L with a
    letter and no long blank run contains such pieces of every shorter length (drop an end
    that is not its only letter). progress(length) is called before each search of the
    bisection (a caller that no longer wants the answer raises there)."""
    sample_ids = np.asarray(sample_ids)
    sample, train = _WindowHashes(sample_ids), _WindowHashes(train_ids)
    share = _copied(sample, train, n)
    before = _telling(decode(sample_ids) if len(sample_ids) else "")
    lo, hi = 0, len(sample_ids)  # invariant: some piece of length lo is copied (0: trivially)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        progress(mid)
        if _confirmed(sample_ids, sample, train, train_text, decode, before, mid, limit=1):
            lo = mid
        else:
            hi = mid - 1
    longest = _confirmed(sample_ids, sample, train, train_text, decode, before, lo, limit=top) if lo else []
    return MemorisationReport(n=n, pieces=len(share), copied_pieces=int(share.sum()),
                              longest=longest, longest_length=lo)


def _telling(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(letters before each position, long-blank-run ends before each position): prefix
    sums over the text; a run end is a blank that is the MAX_BLANK_RUN + 1-th in a row."""
    letters = np.fromiter((ch.isalpha() for ch in text), dtype=np.int64, count=len(text))
    blank = np.fromiter((ch.isspace() for ch in text), dtype=np.int64, count=len(text))
    run = np.zeros(len(text), dtype=np.int64)
    for i in np.flatnonzero(blank):  # the length of the blank run ending at each position
        run[i] = run[i - 1] + 1 if i else 1
    long_end = (run > MAX_BLANK_RUN).astype(np.int64)
    return np.concatenate([[0], np.cumsum(letters)]), np.concatenate([[0], np.cumsum(long_end)])


def _confirmed(sample_ids, sample: _WindowHashes, train: _WindowHashes, train_text: str, decode,
               before: tuple[np.ndarray, np.ndarray], length: int, limit: int) -> list[str]:
    """Up to `limit` distinct sample pieces of `length` with a letter and no long blank run
    (`before`: see _telling) that really occur in the training text."""
    found: list[str] = []
    count = max(sample.n - length + 1, 0)
    letters_before, long_before = before
    with_letter = letters_before[length : length + count] - letters_before[:count] > 0
    # a long run lies inside [t, t + length) when one ends at t + MAX_BLANK_RUN or later
    first_end = np.minimum(np.arange(count) + MAX_BLANK_RUN, np.arange(count) + length)
    no_long_run = long_before[length : length + count] - long_before[first_end] == 0
    for t in np.flatnonzero(_copied(sample, train, length) & with_letter & no_long_run):
        piece = decode(sample_ids[t : t + length])
        if piece not in found and piece in train_text:
            found.append(piece)
            if len(found) == limit:
                break
    return found


def measure_text(sample: str, corpus, n: int = N_GRAM, top: int = 3,
                 progress=lambda _length: None) -> MemorisationReport:
    """measure() for a sample string against a Corpus's training part. Characters of the
    sample outside the vocabulary (only a typed prime can have them) are left out."""
    vocab = corpus.vocab
    known = [ch for ch in sample if vocab.unknown_id is not None or not vocab.missing(ch)]
    ids = vocab.encode("".join(known)) if known else np.zeros(0, dtype=np.int64)
    train = corpus.train
    return measure(ids, train, vocab.decode(train), vocab.decode, n, top, progress=progress)
