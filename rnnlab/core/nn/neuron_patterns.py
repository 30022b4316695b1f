"""The neuron hunt: which characters of a text belong to a pattern (quotes, brackets, a
regex, ...), and which hidden units follow that pattern best.

    pattern_mask       the characters a pattern selects (a typed regex runs in a child process)
    pattern_signal     what units are correlated with: the mask, or the bracket depth
    unit_correlations  Pearson r of each unit's activation with the signal
    rank_units         the units that follow it best

Pure numpy, no Qt. Shapes: T time steps (characters), H hidden units.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

import numpy as np

BUILTIN_PATTERNS: dict[str, str] = {
    "inside quotes": 'characters between an opening " and its closing "',
    "inside brackets": "characters inside at least one open (, [ or {",
    "bracket depth": "how many brackets are open: a number, not yes/no (finds depth-counting units)",
    "start of line": "the first character of each line",
    "after a space": "characters that follow a space",
    "digit": "the digits 0-9 (and other Unicode digits)",
}

_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")


class PatternError(ValueError):
    """A pattern that cannot be used: a bad regular expression, or one that is too slow."""


def pattern_mask(text: str, pattern: str, timeout: float = 1.0) -> np.ndarray:
    """Which characters of `text` belong to `pattern`: a bool array (len(text),).

    `pattern` is either a BUILTIN_PATTERNS name, computed here:

        inside quotes    True strictly between an opening " and the next " (each " toggles;
                         the quote characters themselves are False; an unclosed quote runs
                         to the end of the text)
        bracket depth    depth > 0 after reading the character (pattern_signal gives the
                         depth itself)
        inside brackets  one depth counter for all of ( [ { against ) ] } (kinds are not
                         matched; a closer at depth 0 is ignored, the depth never goes
                         below 0). A character is True when the depth is > 0 both before
                         and after reading it: so the outermost opening and closing
                         brackets are False, and nested brackets inside them are True
        start of line    index 0 and every character right after a "\\n"
        after a space    characters whose previous character is " " (a plain space)
        digit            str.isdigit()

    or else a Python regular expression (no flags; write (?m) for ^/$ at every line):
    every character covered by a non-empty match of re.finditer is True. A bad regex
    raises PatternError("bad pattern: ..."). A pattern that matches nothing is fine.

    Python's re cannot be interrupted, and a typed regex can backtrack for ages (`(a+)+b`
    on a run of "a"s), so the matching runs in a child Python that is killed after
    `timeout` seconds of matching (PatternError). The clock starts when the child says it
    is ready, so a slow start (a virus scanner checking python.exe) is not counted. The
    text and pattern travel to it as JSON data.
    """
    if pattern in BUILTIN_PATTERNS:
        return _BUILTINS[pattern](text)
    try:
        re.compile(pattern)  # fast, and gives the message; a bad pattern never spawns a process
    except (re.error, OverflowError, RecursionError) as e:
        raise PatternError(f"bad pattern: {e}") from None
    mask = np.zeros(len(text), dtype=bool)
    if not text:
        return mask
    spans = _regex_spans(text, pattern, timeout)
    if spans:
        starts, ends = np.asarray(spans, dtype=np.int64).T
        depth = np.zeros(len(text) + 1, dtype=np.int64)
        np.add.at(depth, starts, 1)
        np.add.at(depth, ends, -1)
        mask = np.cumsum(depth[:-1]) > 0
    return mask


# The child's whole program: it says "ready", reads {text, pattern} as JSON and prints the
# merged spans of the non-empty matches. Nothing from the text is executed, only matched.
_REGEX_SCRIPT = """\
import json, re, sys
sys.stdout.write("ready\\n")
sys.stdout.flush()
job = json.load(sys.stdin)
spans = []
for m in re.finditer(job["pattern"], job["text"]):
    s, e = m.span()
    if s == e:
        continue
    if spans and s <= spans[-1][1]:
        spans[-1][1] = max(e, spans[-1][1])
    else:
        spans.append([s, e])
json.dump(spans, sys.stdout)
"""
START_LIMIT = 60.0  # s for the child to start at all; the match's own limit starts after


def _regex_spans(text: str, pattern: str, timeout: float) -> list[list[int]]:
    """[start, end) of the matches, merged, computed by a child process that may be killed."""
    job = json.dumps({"text": text, "pattern": pattern}).encode("ascii")  # ensure_ascii: any text survives
    with _ready_child() as child:
        try:
            out, err = child.communicate(job, timeout=timeout)  # the clock starts here, not at the start
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise PatternError(f"the pattern took longer than {timeout:g} s on this text; make it simpler") from None
    if child.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise PatternError(f"bad pattern: {lines[-1] if lines else f'matching failed ({child.returncode})'}")
    return json.loads(out)


def _ready_child() -> subprocess.Popen:
    """A child Python running _REGEX_SCRIPT, once it has said it is ready for the job."""
    child = subprocess.Popen([sys.executable, "-I", "-c", _REGEX_SCRIPT], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watchdog = threading.Timer(START_LIMIT, child.kill)  # readline has no timeout of its own
    watchdog.start()
    try:
        ready = child.stdout.readline().strip()  # "ready\r\n" on Windows
    finally:
        watchdog.cancel()
    if ready != b"ready":
        child.kill()
        _, err = child.communicate()
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise PatternError(f"could not start the pattern matcher ({lines[-1] if lines else 'no answer'})")
    return child


def _inside_quotes(text: str) -> np.ndarray:
    quote = np.fromiter((ch == '"' for ch in text), dtype=bool, count=len(text))
    return (np.cumsum(quote) % 2 == 1) & ~quote  # odd number of quotes so far, not a quote


def _inside_brackets(text: str) -> np.ndarray:
    mask = np.zeros(len(text), dtype=bool)
    depth = 0
    for t, ch in enumerate(text):
        before = depth
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        mask[t] = before > 0 and depth > 0
    return mask


def _bracket_depth(text: str) -> np.ndarray:
    """Open brackets after reading each character (the counter of _inside_brackets)."""
    depth, out = 0, np.zeros(len(text), dtype=np.float64)
    for t, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        out[t] = depth
    return out


def _start_of_line(text: str) -> np.ndarray:
    return np.fromiter((t == 0 or text[t - 1] == "\n" for t in range(len(text))), dtype=bool, count=len(text))


def _after_a_space(text: str) -> np.ndarray:
    return np.fromiter((t > 0 and text[t - 1] == " " for t in range(len(text))), dtype=bool, count=len(text))


def _digit(text: str) -> np.ndarray:
    return np.fromiter((ch.isdigit() for ch in text), dtype=bool, count=len(text))


_BUILTINS = {
    "inside quotes": _inside_quotes,
    "inside brackets": _inside_brackets,
    "bracket depth": lambda text: _bracket_depth(text) > 0,
    "start of line": _start_of_line,
    "after a space": _after_a_space,
    "digit": _digit,
}


def pattern_signal(text: str, pattern: str, timeout: float = 1.0) -> np.ndarray:
    """What the neuron hunt correlates units with, float64 (len(text),): the bracket depth
    for "bracket depth" (a counting unit follows the number, not just "inside or not"),
    else pattern_mask as 0/1. Its non-zero characters are the ones the pattern selects."""
    if pattern == "bracket depth":
        return _bracket_depth(text)
    return pattern_mask(text, pattern, timeout).astype(np.float64)


def unit_correlations(acts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pearson correlation of each unit's activation (T, H) with the mask (T,) as 0/1, or
    with any numeric signal (e.g. the bracket depth): (H,).

    A unit that never changes, or a mask that is all True or all False, carries no
    information about the other: its correlation is 0.0, not NaN (also when T is 0).
    """
    acts = np.asarray(acts, dtype=np.float64)
    mask = np.asarray(mask, dtype=np.float64)
    if acts.ndim != 2 or mask.ndim != 1 or acts.shape[0] != mask.shape[0]:
        raise ValueError(f"activations (T, H) and mask (T,) must have the same T, "
                         f"got {acts.shape} and {mask.shape}")
    r = np.zeros(acts.shape[1], dtype=np.float64)
    if acts.shape[0] == 0 or mask.min() == mask.max():
        return r
    varying = acts.max(axis=0) > acts.min(axis=0)  # exact test: a mean's rounding can't fake it
    a = acts[:, varying] - acts[:, varying].mean(axis=0)
    m = mask - mask.mean()
    r[varying] = (m @ a) / np.sqrt((a * a).sum(axis=0) * (m @ m))
    return np.clip(r, -1.0, 1.0)


def rank_units(acts: np.ndarray, mask: np.ndarray, top: int = 10) -> list[tuple[int, float]]:
    """The `top` units that follow the mask best, as (unit, r), by |r| descending (ties:
    lower unit first). A strongly negative r is as telling as a positive one."""
    if top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    r = unit_correlations(acts, mask)
    order = np.lexsort((np.arange(r.size), -np.abs(r)))[:top]
    return [(int(u), float(r[u])) for u in order]
