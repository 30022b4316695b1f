"""Vocabulary: characters <-> integer ids, with a cap that folds rare characters.

Ids are assigned in code-point order, so the same text always gives the same ids. When a
text has more distinct characters than the cap, the rarest ones all map to one
replacement symbol (U+FFFD), which then takes the last id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_VOCAB_CAP = 512
REPLACEMENT = "\ufffd"


@dataclass
class Vocabulary:
    chars: list[str]
    folded: int = 0  # how many distinct characters were folded into REPLACEMENT
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _table: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("vocabulary characters must be distinct")
        self._index = {c: i for i, c in enumerate(self.chars)}
        # one UCS-4 code unit per id, for decoding long arrays in one gather
        single = all(len(c) == 1 for c in self.chars)
        self._table = np.array(self.chars, dtype="<U1") if single and self.chars else None

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, ch: str) -> bool:
        return ch in self._index

    @property
    def dtype(self) -> np.dtype:
        """The smallest unsigned integer type that holds every id."""
        n = len(self.chars)
        return np.dtype(np.uint8 if n <= 256 else np.uint16 if n <= 65536 else np.uint32)

    @property
    def unknown_id(self) -> int | None:
        return self._index.get(REPLACEMENT) if self.folded else None

    def missing(self, text: str) -> list[str]:
        """Distinct characters of `text` that are not in the vocabulary, in order of appearance."""
        return list(dict.fromkeys(c for c in text if c not in self._index))

    def encode(self, text: str) -> np.ndarray:
        """Encode a short text; characters outside the vocabulary raise KeyError unless folded."""
        unk = self.unknown_id
        if unk is None:
            missing = self.missing(text)
            if missing:
                raise KeyError(f"characters not in the vocabulary: {format_chars(missing)}")
            return np.fromiter((self._index[c] for c in text), dtype=self.dtype, count=len(text))
        return np.fromiter((self._index.get(c, unk) for c in text), dtype=self.dtype, count=len(text))

    def decode(self, ids) -> str:
        if isinstance(ids, np.ndarray) and ids.size >= 256 and ids.dtype.kind in "iu" and self._table is not None:
            # a whole training text: ~5 ms, not ~0.3 s of Python (holding the GIL the window needs)
            return self._table[ids.ravel()].tobytes().decode("utf-32-le", "surrogatepass")
        return "".join(self.chars[int(i)] for i in ids)

    def to_dict(self) -> dict:
        return {"chars": "".join(self.chars), "folded": self.folded}

    @classmethod
    def from_dict(cls, d: dict) -> Vocabulary:
        return cls(chars=list(d["chars"]), folded=int(d.get("folded", 0)))

    @classmethod
    def from_counts(cls, counts: dict[str, int], cap: int = DEFAULT_VOCAB_CAP) -> Vocabulary:
        """Keep the `cap` most frequent characters (one slot goes to REPLACEMENT if any fold)."""
        if cap < 2:
            raise ValueError(f"the vocabulary cap must be at least 2, not {cap}")
        present = [c for c, n in counts.items() if n > 0]
        if len(present) <= cap:
            return cls(chars=sorted(present))
        by_freq = sorted(present, key=lambda c: (-counts[c], c))
        kept = sorted(c for c in by_freq[: cap - 1] if c != REPLACEMENT)
        return cls(chars=kept + [REPLACEMENT], folded=len(present) - len(kept))


def format_chars(chars) -> str:
    """Show characters unambiguously in a message: 'a', '\\n', 'é' (U+00E9)."""
    out = []
    for c in chars:
        shown = repr(c)
        if not c.isascii():
            shown += f" (U+{ord(c):04X})"
        out.append(shown)
    return ", ".join(out)


_VISIBLE = {"\n": "⏎", "\t": "⇥", "\r": "␍"}


def char_symbol(ch: str, space: str = "␣") -> str:
    """A visible stand-in for characters that would be blank: ⏎ newline, ⇥ tab, ␣ space."""
    return space if ch == " " else _VISIBLE.get(ch, ch)
