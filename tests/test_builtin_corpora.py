"""Built-in corpora: spec parsing, determinism, lengths and the structure of each text."""

from __future__ import annotations

import hashlib
import re
import sysconfig
import time

import pytest

from rnnlab import resources
from rnnlab.core.data.builtin_corpora import builtin_text, list_builtins, parse_spec
from rnnlab.core.data.corpus import CorpusError, load_corpus

GENERATED = ("brackets", "copy", "counting")
PAIRS = {")": "(", "]": "[", "}": "{"}


def complete_lines(text: str) -> list[str]:
    """All lines but the last, which the length cut may have truncated."""
    return text.split("\n")[:-1]


def test_list_builtins():
    infos = {b.name: b for b in list_builtins()}
    assert set(infos) == {"hello", "python", "brackets", "copy", "counting"}
    for b in infos.values():
        assert b.description and "\n" not in b.description and b.default_length > 0
    assert infos["python"].default_length == 2_000_000 and infos["hello"].default_length == 20_000


def test_parse_spec():
    s = parse_spec("  BUILTIN:Copy , length = 5_000 ,seed=3 ")
    assert (s.name, s.length, s.seed, s.label) == ("copy", 5000, 3, "builtin:copy,length=5000,seed=3")
    s = parse_spec("builtin:brackets")
    assert (s.length, s.seed, s.label) == (200_000, 0, "builtin:brackets")


@pytest.mark.parametrize("spec", [
    "builtin:", "builtin:copy,length=abc", "builtin:copy,foo=1", "builtin:copy,length",
    "builtin:copy,length=0", "builtin:copy,length=-5", "builtin:copy,seed=1,seed=2", "copy",
])
def test_bad_specs(spec):
    with pytest.raises(CorpusError) as info:
        parse_spec(spec)
    assert info.value.kind == "bad_spec" and str(info.value)


def test_unknown_builtin_lists_the_known_ones():
    with pytest.raises(CorpusError) as info:
        load_corpus("builtin:shakespeare")
    assert info.value.kind == "unknown_builtin"
    for name in ("hello", "python", "brackets", "copy", "counting"):
        assert f"builtin:{name}" in str(info.value)


def test_load_builtin_corpus():
    c = load_corpus("builtin:hello")
    assert (c.name, c.source, c.encoding, c.n_chars) == ("builtin:hello", "builtin:hello", "builtin", 20_000)
    assert c.decode(0, 24) == "hello world\nhello world\n"
    c = load_corpus("builtin:copy,length=3000,seed=2")
    assert c.name == "builtin:copy,length=3000,seed=2" and c.n_chars == 3000


@pytest.mark.parametrize("name", GENERATED)
def test_generated_are_deterministic_and_exact_length(name):
    a = builtin_text(f"builtin:{name},length=5000,seed=1")
    assert a == builtin_text(f"builtin:{name},length=5000,seed=1")
    assert a != builtin_text(f"builtin:{name},length=5000,seed=2")
    assert len(a) == 5000 and len(builtin_text(f"builtin:{name},length=7")) == 7
    assert len(builtin_text(f"builtin:{name}")) == 200_000


def test_brackets_lines_are_balanced_and_nested():
    depths = []
    for line in complete_lines(builtin_text("builtin:brackets,length=50000,seed=4")):
        stack, deepest = [], 0
        for ch in line:
            if ch in "([{":
                stack.append(ch)
                deepest = max(deepest, len(stack))
            elif ch in PAIRS:
                assert stack and stack.pop() == PAIRS[ch], line
        assert not stack, line
        depths.append(deepest)
    assert max(depths) <= 6 and max(depths) >= 4 and min(depths) >= 1


def test_copy_lines_repeat_their_string():
    lines = complete_lines(builtin_text("builtin:copy,length=20000,seed=5"))
    assert len(lines) > 100
    for line in lines:
        assert re.fullmatch(r"([a-d]{3,5})\|\.{10,20}\|\1", line), line


def test_counting_increases_by_one():
    text = builtin_text("builtin:counting,length=20000,seed=6")
    numbers = [int(n) for n in text.split()[:-1]]  # the last may be cut
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(4 <= len(line.split()) <= 12 for line in complete_lines(text))


def test_hello_length():
    assert builtin_text("builtin:hello,length=30") == "hello world\nhello world\nhello "


def test_python_stdlib_corpus():
    start = time.perf_counter()
    text = builtin_text("builtin:python")
    elapsed = time.perf_counter() - start
    assert len(text) == 2_000_000 and text == builtin_text("builtin:python")
    assert text.startswith("# file: ")
    files = re.findall(r"^# file: (\S+)$", text, flags=re.M)
    assert len(files) > 20 and files == sorted(files, key=lambda f: f.split("/"))
    assert not any(part in ("test", "tests", "site-packages") for f in files for part in f.split("/"))
    assert "def " in text and "import " in text
    assert elapsed < 2.0  # typically well under 0.1 s
    assert builtin_text("builtin:python,length=5000") == text[:5000]


# builtin:python is shipped (rnnlab/resources/texts): a change to it is deliberate, since every
# run and lesson on it then trains on another text. Rebuild: assets/make_python_corpus.py.
PYTHON_SHA256 = "2746fe8b7298255152a83b1326c9c0f274cba4a6c2e19a1eb28fb7749c71e2a9"


def test_the_python_text_is_the_shipped_one_whatever_python_runs(monkeypatch, tmp_path):
    resources.python_source_text.cache_clear()
    monkeypatch.setattr(sysconfig, "get_paths", lambda: {"stdlib": str(tmp_path)})  # no stdlib there
    shipped = resources.python_source_text()
    assert hashlib.sha256(shipped.encode("utf-8")).hexdigest() == PYTHON_SHA256
    assert builtin_text("builtin:python") == shipped[:2_000_000]
    assert shipped.startswith("# file: __future__.py\n")


def test_asking_for_more_python_than_is_shipped_says_how_much_there_is():
    length = len(resources.python_source_text())
    assert len(builtin_text(f"builtin:python,length={length}")) == length
    with pytest.raises(CorpusError, match=f"holds {length:,} characters") as info:
        builtin_text(f"builtin:python,length={length + 1}")
    assert info.value.kind == "bad_spec"


def test_a_damaged_install_is_a_corpus_error(monkeypatch):
    resources.python_source_text.cache_clear()
    monkeypatch.setattr(resources, "PYTHON_TEXT", "missing.txt.xz")
    try:
        with pytest.raises(CorpusError, match="could not be read"):
            builtin_text("builtin:python")
    finally:
        resources.python_source_text.cache_clear()
