"""The neuron hunt: pattern masks (built-in and regex, the regex in a child process),
the bracket-depth signal, and units ranked by their correlation with it."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from rnnlab.core.nn import neuron_patterns
from rnnlab.core.nn.neuron_patterns import (
    BUILTIN_PATTERNS,
    PatternError,
    pattern_mask,
    pattern_signal,
    rank_units,
    unit_correlations,
)


def marks(s: str) -> list[bool]:
    """'..xx.' -> [False, False, True, True, False]: expected masks written under the text."""
    return [ch == "x" for ch in s]


@pytest.fixture
def no_child_process(monkeypatch):
    """Fail the test if the code under test would start a process."""
    def refuse(*args, **kwargs):
        raise AssertionError("no process should be started here")
    monkeypatch.setattr(neuron_patterns.subprocess, "Popen", refuse)


def test_builtin_pattern_names():
    assert list(BUILTIN_PATTERNS) == ["inside quotes", "inside brackets", "bracket depth", "start of line",
                                      "after a space", "digit"]
    assert all(isinstance(d, str) and d and "\n" not in d for d in BUILTIN_PATTERNS.values())


@pytest.mark.parametrize("pattern, text, expected", [
    ("inside quotes", 'a "bc" d "e', "...xx.....x"),  # an unclosed quote runs to the end
    ("inside quotes", '""x', "..."),
    ("inside brackets", "a(b[c]d)e)f(", "..xxxxx....."),  # nested brackets inside are True
    ("inside brackets", ")x(y]z", "...x.."),  # unmatched closers never go below depth 0
    ("start of line", "ab\ncd\n\ne", "x..x..xx"),
    ("after a space", " a  b c", ".x.xx.x"),
    ("digit", "a1b23 4", ".x.xx.x"),
])
def test_builtin_patterns(no_child_process, pattern, text, expected):
    mask = pattern_mask(text, pattern)
    assert mask.dtype == bool and mask.shape == (len(text),)
    assert len(expected) == len(text) and mask.tolist() == marks(expected)


def test_builtin_patterns_on_empty_text(no_child_process):
    for name in BUILTIN_PATTERNS:
        assert pattern_mask("", name).shape == (0,)


def test_regex_marks_every_character_of_each_match():
    text = "ab 12 cd345"
    assert pattern_mask(text, r"\d+").tolist() == marks("...xx...xxx")
    assert pattern_mask(text, r"\d").tolist() == marks("...xx...xxx")  # adjacent matches merge
    assert pattern_mask(text, r"x*").tolist() == [False] * len(text)  # empty matches mark nothing
    assert pattern_mask(text, r"(?=\d)").tolist() == [False] * len(text)
    assert pattern_mask(text, r"[a-z](?=\d)").tolist() == marks(".......x...")


def test_regex_positions_survive_any_characters():
    """The text travels to the child as JSON: indices must still be str indices."""
    text = 'é😀"\n\\ab\x00'
    assert pattern_mask(text, "ab").tolist() == marks(".....xx.")
    assert pattern_mask(text, "😀").tolist() == marks(".x......")


def test_a_pattern_matching_nothing_is_all_false():
    assert pattern_mask("hello world", "xyz").tolist() == [False] * 11


def test_bad_regex_names_the_problem_without_starting_a_process(no_child_process):
    with pytest.raises(PatternError, match=r"bad pattern: .*(missing \)|unterminated)"):
        pattern_mask("abc", "(ab")
    with pytest.raises(PatternError, match="bad pattern: nothing to repeat"):
        pattern_mask("abc", "*a")
    assert pattern_mask("", r"\w").shape == (0,)  # empty text: nothing to match, no process


def test_catastrophic_regex_is_stopped():
    """(a+)+$ on a run of a's ending in '!' backtracks 2^40 ways; the child is killed."""
    start = time.perf_counter()
    with pytest.raises(PatternError, match="longer than 1 s"):
        pattern_mask("a" * 40 + "!", r"(a+)+$")
    assert time.perf_counter() - start < 5.0  # 1 s timeout plus a generous margin for a busy CPU


def test_a_slow_start_of_the_child_is_not_counted(monkeypatch):
    """A child Python that takes longer than the whole limit to start (a virus scanner checking
    python.exe on a Windows laptop) still gets its full second to match."""
    slow_start = "import time\ntime.sleep(1.5)\n" + neuron_patterns._REGEX_SCRIPT
    monkeypatch.setattr(neuron_patterns, "_REGEX_SCRIPT", slow_start)
    assert pattern_mask("ab12", r"\d", timeout=1.0).tolist() == marks("..xx")


def test_a_child_that_cannot_start_is_named(monkeypatch):
    monkeypatch.setattr(neuron_patterns, "_REGEX_SCRIPT", "raise SystemExit('no Python here')")
    with pytest.raises(PatternError, match=r"could not start the pattern matcher \(no Python here\)"):
        pattern_mask("abc", "b")


def test_pattern_error_is_a_value_error():
    assert issubclass(PatternError, ValueError)


# --- correlations -------------------------------------------------------------------------


def test_unit_correlations_hand_cases():
    mask = np.array([False, False, True, True])
    acts = np.stack([
        mask * 1.0,  # follows the mask: 1
        -3.0 * mask + 2.0,  # the opposite: -1
        np.full(4, 0.7),  # constant: 0, not NaN
        np.array([1.0, 2.0, 3.0, 4.0]),  # sum(dx dm) = 2, sum dx^2 = 5, sum dm^2 = 1: 2 / sqrt(5)
    ], axis=1)
    r = unit_correlations(acts, mask)
    assert r.dtype == np.float64 and r.shape == (4,)
    np.testing.assert_allclose(r, [1.0, -1.0, 0.0, 2 / math.sqrt(5)], atol=1e-12)


def test_unit_correlations_constant_cases_give_zero():
    rng = np.random.default_rng(0)
    acts = rng.normal(size=(50, 3)).astype(np.float32)
    acts[:, 1] = np.float32(0.1)  # constant in float32: a float64 mean of it may round
    mask = rng.random(50) > 0.5
    assert unit_correlations(acts, mask)[1] == 0.0
    np.testing.assert_allclose(unit_correlations(acts, mask)[[0, 2]],
                               [np.corrcoef(acts[:, j], mask)[0, 1] for j in (0, 2)], atol=1e-6)
    assert unit_correlations(acts, np.ones(50, bool)).tolist() == [0.0] * 3
    assert unit_correlations(acts, np.zeros(50, bool)).tolist() == [0.0] * 3
    assert unit_correlations(np.zeros((0, 3)), np.zeros(0, bool)).tolist() == [0.0] * 3


def test_unit_correlations_shape_mismatch():
    with pytest.raises(ValueError, match="same T"):
        unit_correlations(np.zeros((5, 2)), np.zeros(4, bool))
    with pytest.raises(ValueError, match="same T"):
        unit_correlations(np.zeros(5), np.zeros(5, bool))


def test_rank_units_orders_by_strength_then_index():
    mask = np.array([0, 0, 1, 1, 0, 1], dtype=bool)
    m = mask.astype(float)
    acts = np.stack([
        np.full(6, 2.0),  # 0: r = 0
        m,  # 1: r = 1
        -m,  # 2: r = -1, ties with 1: lower index first
        m + np.array([0.5, 0, 0, 0, 0, 0]),  # 3: 0 < r < 1
        -m,  # 4: r = -1
    ], axis=1)
    ranked = rank_units(acts, mask)
    assert [u for u, _ in ranked] == [1, 2, 4, 3, 0]
    assert ranked[0] == (1, pytest.approx(1.0)) and ranked[1][1] == pytest.approx(-1.0)
    assert all(isinstance(u, int) and isinstance(r, float) for u, r in ranked)
    assert [u for u, _ in rank_units(acts, mask, top=2)] == [1, 2]
    assert rank_units(acts, mask, top=0) == []


def test_bracket_depth_is_a_number_and_ranks_a_counting_unit_first():
    text = "a(b[c]d)e)f"
    depth = pattern_signal(text, "bracket depth")
    np.testing.assert_array_equal(depth, [0, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0])  # a stray ) stays at 0
    np.testing.assert_array_equal(pattern_mask(text, "bracket depth"), depth > 0)
    np.testing.assert_array_equal(pattern_signal(text, "digit"), np.zeros(len(text)))
    rng = np.random.default_rng(0)
    acts = rng.normal(size=(len(text), 4))
    acts[:, 2] = 0.5 * depth + 0.01 * rng.normal(size=len(text))  # counts, not just inside/outside
    acts[:, 3] = depth > 0
    ranked = rank_units(acts, depth, top=2)
    assert ranked[0][0] == 2 and ranked[0][1] > 0.99
