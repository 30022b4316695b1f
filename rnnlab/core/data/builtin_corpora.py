"""Built-in corpora, usable anywhere a file path is: "builtin:NAME[,length=N][,seed=S]".

    hello     the "hello world" toy from the original material, repeated
    python    Python's standard-library source, shipped with rnnlab (the app's default corpus)
    brackets  nested balanced brackets: predicting a closer needs a counter / stack
    copy      a random string, a gap, the same string again: needs long memory
    counting  1 2 3 ... 10 11 ...: carrying digits

Generated corpora are deterministic by seed and are exactly `length` characters long
(the last line may be cut). The python corpus is a fixed selection of CPython 3.11's
standard library shipped inside the package (rnnlab/resources/texts), so it is the same text
on every machine, whatever Python runs rnnlab.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from lzma import LZMAError

from rnnlab import resources
from rnnlab.core.errors import CorpusError

PREFIX = "builtin:"
MAX_LENGTH = 100_000_000
_PARAMS = ("length", "seed")


@dataclass(frozen=True)
class BuiltinInfo:
    name: str
    description: str
    default_length: int  # characters


@dataclass(frozen=True)
class BuiltinSpec:
    name: str
    length: int
    seed: int = 0
    label: str = ""  # display name: "builtin:NAME" plus the parameters that were given


def is_builtin_spec(source: str) -> bool:
    return isinstance(source, str) and source.strip().lower().startswith(PREFIX)


def _known() -> str:
    return ", ".join(PREFIX + name for name in _GENERATORS)


def _parse_param(item: str, spec: str) -> tuple[str, int]:
    key, sep, value = (part.strip() for part in item.partition("="))
    key = key.lower()
    if not sep or key not in _PARAMS:
        raise CorpusError(f"Bad built-in corpus spec {spec!r}: {item.strip()!r} is not a parameter; "
                          "use builtin:NAME,length=N,seed=S.", "bad_spec")
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise CorpusError(f"Bad built-in corpus spec {spec!r}: {key} must be a whole number, "
                          f"not {value!r}.", "bad_spec") from None
    if key == "length" and not 1 <= number <= MAX_LENGTH:
        raise CorpusError(f"Bad built-in corpus spec {spec!r}: length must be between 1 and "
                          f"{MAX_LENGTH:,}, not {number:,}.", "bad_spec")
    return key, number


def parse_spec(spec: str) -> BuiltinSpec:
    """Parse "builtin:NAME[,length=N][,seed=S]"; CorpusError "bad_spec" / "unknown_builtin"."""
    if not is_builtin_spec(spec):
        raise CorpusError(f"{spec!r} is not a built-in corpus spec (builtin:NAME).", "bad_spec")
    name, *items = spec.strip()[len(PREFIX):].split(",")
    name = name.strip().lower()
    if not name:
        raise CorpusError(f"Bad built-in corpus spec {spec!r}: no name; choose one of {_known()}.",
                          "bad_spec")
    if name not in _GENERATORS:
        raise CorpusError(f"Unknown built-in corpus {name!r}; the built-ins are {_known()}.",
                          "unknown_builtin")
    params: dict[str, int] = {}
    for item in items:
        key, number = _parse_param(item, spec)
        if key in params:
            raise CorpusError(f"Bad built-in corpus spec {spec!r}: {key} is given twice.", "bad_spec")
        params[key] = number
    label = PREFIX + name + "".join(f",{k}={v}" for k, v in params.items())
    length = params.get("length", _INFO[name].default_length)
    return BuiltinSpec(name=name, length=length, seed=params.get("seed", 0), label=label)


def generate(spec: BuiltinSpec) -> str:
    """The text of a parsed spec."""
    return _GENERATORS[spec.name](spec.length, spec.seed)


def builtin_text(spec: str) -> str:
    """The text of a spec string such as "builtin:copy,length=5000,seed=3"."""
    return generate(parse_spec(spec))


def list_builtins() -> list[BuiltinInfo]:
    """Name, one-line description and default size of every built-in corpus."""
    return list(_INFO.values())


# ---- generators -----------------------------------------------------------------------

def _fill(make_line: Callable[[], str], length: int) -> str:
    """Concatenate lines until `length` characters, then cut there."""
    parts, n = [], 0
    while n < length:
        line = make_line()
        parts.append(line)
        n += len(line)
    return "".join(parts)[:length]


def hello_text(length: int, seed: int = 0) -> str:
    """ "hello world\\n" again and again: the classic first demo (seed has no effect)."""
    line = "hello world\n"
    return (line * (length // len(line) + 1))[:length]


def python_text(length: int, seed: int = 0) -> str:
    """The shipped standard-library source, one header comment per file (seed unused)."""
    try:
        text = resources.python_source_text()
    except (OSError, ValueError, LZMAError) as exc:  # a damaged install: a missing or corrupt file
        raise CorpusError(f"The shipped Python source text could not be read: {exc}", "io") from exc
    if length > len(text):
        raise CorpusError(f"builtin:python holds {len(text):,} characters; length must be at most that, "
                          f"not {length:,}.", "bad_spec")
    return text[:length]


_BRACKETS = ("()", "[]", "{}")
_WORDS = ("a", "b", "x", "y", "z", "cat", "dog", "sun", "red", "one", "two", "fox")


def _bracket_group(rng: random.Random, depth: int, max_depth: int = 6) -> str:
    """One to three items, each a word or a bracketed group (deeper = rarer)."""
    items = []
    for _ in range(rng.randint(1, 3)):
        if depth < max_depth and rng.random() < 0.6 - 0.1 * depth:
            o, c = rng.choice(_BRACKETS)
            items.append(o + _bracket_group(rng, depth + 1, max_depth) + c)
        else:
            items.append(rng.choice(_WORDS))
    return " ".join(items)


def brackets_text(length: int, seed: int = 0) -> str:
    """Lines of nested (), [], {} around words, depth up to 6, every line balanced."""
    rng = random.Random(seed)

    def line() -> str:
        o, c = rng.choice(_BRACKETS)
        return o + _bracket_group(rng, 1) + c + "\n"

    return _fill(line, length)


# The copy task, sized by measurement (benchmarks/RESULTS.md, "The memory demo"): within a
# minute of training a gated cell copies these strings across the gap and a vanilla RNN
# does not. Longer strings, a bigger alphabet or longer gaps took the LSTM minutes.
COPY_ALPHABET = "abcd"
COPY_LENGTHS = (3, 5)  # the string's length, inclusive
COPY_GAPS = (10, 20)  # dots between the two copies, inclusive
COPY_MARK = "|"


def copy_line(rng: random.Random) -> tuple[str, str]:
    """One copy-task line as (what the model reads first, what it must write back):
    ("abca|...........|", "abca\n")."""
    s = "".join(rng.choices(COPY_ALPHABET, k=rng.randint(*COPY_LENGTHS)))
    return f"{s}{COPY_MARK}{'.' * rng.randint(*COPY_GAPS)}{COPY_MARK}", s + "\n"


def copy_text(length: int, seed: int = 0) -> str:
    """Lines "abca|..........|abca": a random string, a gap of dots, the string again."""
    rng = random.Random(seed)
    return _fill(lambda: "".join(copy_line(rng)), length)


def counting_text(length: int, seed: int = 0) -> str:
    """1 2 3 ... counting up from 1, a newline after every 4 to 12 numbers (set by the seed)."""
    rng = random.Random(seed)
    counter = iter(range(1, MAX_LENGTH))

    def line() -> str:
        return " ".join(str(next(counter)) for _ in range(rng.randint(4, 12))) + "\n"

    return _fill(line, length)


_GENERATORS: dict[str, Callable[[int, int], str]] = {
    "hello": hello_text, "python": python_text, "brackets": brackets_text,
    "copy": copy_text, "counting": counting_text,
}
_INFO = {info.name: info for info in (
    BuiltinInfo("hello", 'the "hello world" toy: one short line repeated; learnt in seconds', 20_000),
    BuiltinInfo("python", "Python's standard-library source code, shipped with rnnlab (the default corpus)",
                2_000_000),
    BuiltinInfo("brackets", "nested balanced (), [] and {}: closing them needs a counter", 200_000),
    BuiltinInfo("copy", "a random string, a gap, the same string again: needs long memory",
                200_000),
    BuiltinInfo("counting", "1 2 3 ... counting up: learning to carry digits", 200_000),
)}
