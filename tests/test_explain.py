"""Explain: the statistics behind the "explain the network" views, on small hand-checked
cases, and the model maths checked against probe.py."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch

from rnnlab.core.nn import explain
from rnnlab.core.nn.explain import (
    BUILTIN_PATTERNS,
    PatternError,
    gate_saturation,
    gradient_flow,
    gradient_windows,
    pattern_mask,
    pattern_signal,
    rank_units,
    step_char,
    surprisal_bits,
    top_next,
    unit_correlations,
)
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import ProbeError, gradient_through_time, probe_ids

ATOL = 1e-5
CHARS = list("\nabcdefg ")


def make_model(cell: str, layers: int, embedding: int = 0, hidden: int = 10, seed: int = 0) -> CharRNN:
    torch.manual_seed(seed)
    return CharRNN(ModelConfig(vocab_size=len(CHARS), cell=cell, hidden=hidden, layers=layers, embedding=embedding))


def marks(s: str) -> list[bool]:
    """'..xx.' -> [False, False, True, True, False]: expected masks written under the text."""
    return [ch == "x" for ch in s]


# --- gate saturation ------------------------------------------------------------------------


def test_gate_saturation_counts_fractions_per_unit():
    gate = np.array([[0.05, 0.5],
                     [0.95, 0.5],
                     [0.02, 0.99],
                     [0.5, 0.1]])  # 0.1 is not < 0.1: the bounds are strict
    shut, open_ = gate_saturation(gate)
    assert shut.dtype == open_.dtype == np.float64 and shut.shape == (2,)
    np.testing.assert_array_equal(shut, [0.5, 0.0])
    np.testing.assert_array_equal(open_, [0.25, 0.25])
    shut, open_ = gate_saturation(gate, low=0.4, high=0.6)
    np.testing.assert_array_equal(shut, [0.5, 0.25])
    np.testing.assert_array_equal(open_, [0.25, 0.25])


def test_gate_saturation_needs_time_steps():
    with pytest.raises(ValueError, match="time steps"):
        gate_saturation(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="shape"):
        gate_saturation(np.zeros(3))


# --- patterns -----------------------------------------------------------------------------


@pytest.fixture
def no_child_process(monkeypatch):
    """Fail the test if the code under test would start a process."""
    def refuse(*args, **kwargs):
        raise AssertionError("no process should be started here")
    monkeypatch.setattr(explain.subprocess, "run", refuse)


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


# --- surprisal and next characters ---------------------------------------------------------


def test_surprisal_bits_exact_values():
    probs = np.array([[0.5, 0.25, 0.25],
                      [0.125, 0.875, 0.0],
                      [0.0, 0.0, 1.0],
                      [0.25, 0.25, 0.5]])
    bits = surprisal_bits(probs, np.array([0, 0, 2, 1]))
    assert bits.dtype == np.float64 and bits.shape == (4,)
    np.testing.assert_allclose(bits, [1.0, 3.0, 0.0, 2.0], atol=1e-12)
    ruled_out = surprisal_bits(probs, np.array([0, 2, 0, 0]))
    assert np.isfinite(ruled_out).all()
    assert ruled_out[1] == pytest.approx(-math.log2(1e-12))  # p = 0 clipped to 1e-12: ~39.9 bits


def test_surprisal_bits_checks_shapes_and_ids():
    with pytest.raises(ValueError, match="same T"):
        surprisal_bits(np.full((3, 2), 0.5), np.array([0, 1]))
    with pytest.raises(ValueError, match="ids"):
        surprisal_bits(np.full((2, 2), 0.5), np.array([0, 2]))


def test_top_next_breaks_ties_by_id():
    row = np.array([0.2, 0.4, 0.2, 0.2], dtype=np.float32)
    top = top_next(row, 3)
    assert [i for i, _ in top] == [1, 0, 2]
    np.testing.assert_allclose([p for _, p in top], [0.4, 0.2, 0.2], rtol=1e-6)
    assert all(isinstance(i, int) and isinstance(p, float) for i, p in top)
    assert [i for i, _ in top_next(row, 10)] == [1, 0, 2, 3]
    assert top_next(row, 0) == []


# --- gradient flow -------------------------------------------------------------------------


@pytest.mark.parametrize("cell, layers, embedding", [("rnn", 1, 0), ("lstm", 2, 0), ("gru", 2, 4)])
def test_gradient_flow_matches_gradient_through_time(cell, layers, embedding):
    """One window: exactly probe's curve. Several: the mean of each window's own curve, so
    the windows in the batch do not leak into one another."""
    model = make_model(cell, layers, embedding)
    windows = np.random.default_rng(1).integers(0, len(CHARS), (3, 13)).astype(np.uint8)
    single = [gradient_through_time(model, w) for w in windows]
    one = gradient_flow(model, windows[:1])
    assert [n.shape for n in one] == [(12,)] * layers and all(n.dtype == np.float32 for n in one)
    for mine, theirs in zip(one, single[0], strict=True):
        np.testing.assert_allclose(mine, theirs, atol=ATOL)
    for mine, k in zip(gradient_flow(model, torch.as_tensor(windows.astype(np.int64))), range(layers), strict=True):
        np.testing.assert_allclose(mine, np.mean([s[k] for s in single], axis=0), rtol=1e-4, atol=ATOL)
    np.testing.assert_allclose(gradient_flow(model, windows[0])[0], single[0][0], atol=ATOL)  # 1-D: one window


def test_gradient_flow_restores_mode_and_leaves_no_grads():
    model = make_model("lstm", 2)
    model.train()
    gradient_flow(model, np.array([[1, 2, 3, 4], [4, 3, 2, 1]]))
    assert model.training and all(p.grad is None for p in model.parameters())


def test_gradient_flow_errors():
    model = make_model("rnn", 1)
    with pytest.raises(ProbeError, match="2 characters"):
        gradient_flow(model, np.array([[1], [2]]))
    with pytest.raises(ProbeError, match="ids"):
        gradient_flow(model, np.array([[1, 99]]))
    with pytest.raises(ProbeError, match="shape"):
        gradient_flow(model, np.zeros((2, 2, 2), dtype=np.int64))


def test_lstm_carries_the_gradient_where_a_vanilla_rnn_loses_it():
    """Copy-like task: the target is the window's first char, 20 steps back, with filler
    in between. Measured as norm[0] / norm[-1] (how much of the last step's gradient
    reaches the first char).

    Untrained models with torch's default init are NOT reliably ordered (both lose roughly
    a factor 2 a step: the RNN through ||W_hh|| ~ 0.6 and tanh', the LSTM through forget
    gates ~ sigmoid(0) = 0.5), so the weights are set by hand, as the course explains it:
    the RNN's recurrent weights are small (||W_hh|| < 1: every step multiplies the gradient
    by less than 1), while the LSTM gets a large forget-gate bias (f ~ sigmoid(4) ~ 0.98),
    so its cell state c carries the gradient back almost undiminished. Orders of magnitude
    are compared, not values: seeds change the numbers, not the picture.
    """
    rng = np.random.default_rng(0)
    windows = np.zeros((8, 21), dtype=np.int64)  # 0 = '\n' as filler
    windows[:, 0] = rng.integers(1, len(CHARS), 8)
    windows[:, -1] = windows[:, 0]
    rnn, lstm = make_model("rnn", 1, hidden=8), make_model("lstm", 1, hidden=8)
    with torch.no_grad():
        rnn.rnn.weight_hh_l0.uniform_(-0.1, 0.1)
        lstm.rnn.bias_ih_l0[8:16] = 4.0  # gate rows i, f, g, o: the forget gate's bias
    (rnn_norms,), (lstm_norms,) = gradient_flow(rnn, windows), gradient_flow(lstm, windows)
    assert (rnn_norms > 0).all() and (lstm_norms > 0).all()
    rnn_ratio, lstm_ratio = rnn_norms[0] / rnn_norms[-1], lstm_norms[0] / lstm_norms[-1]
    assert rnn_ratio < 1e-10  # vanished
    assert lstm_ratio > 1e-3  # carried
    assert math.log10(lstm_ratio) - math.log10(rnn_ratio) > 6
    # The LSTM's curve drops over the last two steps (from h into the gates), then stays
    # flat: from there back to the first char, c loses little.
    assert lstm_norms[0] / lstm_norms[-3] > 0.1


# --- one character, step by step -----------------------------------------------------------


@pytest.mark.parametrize("embedding", [0, 4])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_stepping_a_text_equals_probing_it(cell, layers, embedding):
    model = make_model(cell, layers, embedding)
    ids = [3, 1, 8, 0, 5, 5, 2]
    expected = probe_ids(model, ids)
    hidden = None
    for t, char_id in enumerate(ids):
        step = step_char(model, char_id, hidden)
        assert step.char_id == char_id and len(step.layers) == layers
        np.testing.assert_allclose(step.probs, expected.probs[t], atol=ATOL)
        np.testing.assert_allclose(step.logits, expected.logits[t], atol=ATOL)
        for k, (mine, trace) in enumerate(zip(step.layers, expected.layers, strict=True)):
            assert mine.layer == k
            np.testing.assert_allclose(mine.h, trace.h[t], atol=ATOL)
            np.testing.assert_allclose(mine.h_prev, trace.h[t - 1] if t else 0.0, atol=ATOL)
            if cell == "lstm":
                np.testing.assert_allclose(mine.c, trace.c[t], atol=ATOL)
                np.testing.assert_allclose(mine.c_prev, trace.c[t - 1] if t else 0.0, atol=ATOL)
            else:
                assert mine.c is None and mine.c_prev is None
            assert sorted(mine.gates) == sorted(trace.gates)
            for name, value in mine.gates.items():
                np.testing.assert_allclose(value, trace.gates[name][t], atol=ATOL)
            if k:
                np.testing.assert_array_equal(mine.x, step.layers[k - 1].h)  # reads the layer below
        hidden = step.hidden
    np.testing.assert_allclose(step.hidden[0] if cell == "lstm" else step.hidden,
                               expected.final_hidden[0] if cell == "lstm" else expected.final_hidden, atol=ATOL)


def test_rnn_step_is_the_printed_equation():
    """h = tanh(from_x + from_h), bit for bit; from_x = W_ih x + b_ih, from_h = W_hh h_prev + b_hh."""
    model = make_model("rnn", 2, hidden=6)
    first = step_char(model, 4)
    step = step_char(model, 2, first.hidden)
    for s in step.layers:
        recomputed = torch.tanh(torch.from_numpy(s.from_x) + torch.from_numpy(s.from_h)).numpy()
        np.testing.assert_array_equal(s.h, recomputed)
        w = model.rnn
        b_ih, b_hh = (getattr(w, f"bias_{n}_l{s.layer}").detach().numpy() for n in ("ih", "hh"))
        np.testing.assert_allclose(s.from_x, s.w_ih @ s.x + b_ih, atol=1e-6)
        np.testing.assert_allclose(s.from_h, s.w_hh @ s.h_prev + b_hh, atol=1e-6)
        assert s.gates == {}
    np.testing.assert_array_equal(step.layers[0].x, np.eye(len(CHARS), dtype=np.float32)[2])  # one-hot input
    np.testing.assert_allclose(step.logits, model.decoder.weight.detach().numpy() @ step.layers[-1].h
                               + model.decoder.bias.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(step.probs.sum(), 1.0, atol=1e-6)


def test_lstm_and_gru_gates_follow_from_the_two_terms():
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    lstm = step_char(make_model("lstm", 1, hidden=5), 3, step_char(make_model("lstm", 1, hidden=5), 1).hidden)
    (s,) = lstm.layers
    assert s.from_x.shape == s.from_h.shape == (20,) and s.w_ih.shape == (20, len(CHARS)) and s.w_hh.shape == (20, 5)
    pre_i, pre_f, pre_g, pre_o = np.split(s.from_x + s.from_h, 4)
    for name, value in zip("ifgo", [sig(pre_i), sig(pre_f), np.tanh(pre_g), sig(pre_o)]):
        np.testing.assert_allclose(s.gates[name], value, atol=1e-6)
    np.testing.assert_allclose(s.c, s.gates["f"] * s.c_prev + s.gates["i"] * s.gates["g"], atol=1e-6)
    np.testing.assert_allclose(s.h, s.gates["o"] * np.tanh(s.c), atol=1e-6)

    (g,) = step_char(make_model("gru", 1, hidden=5), 6).layers
    x_r, x_z, x_n = np.split(g.from_x, 3)
    h_r, h_z, h_n = np.split(g.from_h, 3)
    np.testing.assert_allclose(g.gates["n"], np.tanh(x_n + sig(x_r + h_r) * h_n), atol=1e-6)
    z = sig(x_z + h_z)
    np.testing.assert_allclose(g.h, (1 - z) * g.gates["n"] + z * g.h_prev, atol=1e-6)


def test_step_char_copies_and_restores():
    """The arrays are copies (a heatmap must not change while training goes on), the mode is
    restored, no gradients are left behind, and bad input is refused."""
    model = make_model("lstm", 1)
    model.train()
    step = step_char(model, 1)
    assert model.training and all(p.grad is None for p in model.parameters())
    before = model.rnn.weight_ih_l0.detach().clone()
    step.layers[0].w_ih[:] = 0.0
    assert torch.equal(model.rnn.weight_ih_l0.detach(), before)
    with pytest.raises(ProbeError, match="ids"):
        step_char(model, len(CHARS))
    with pytest.raises(ProbeError, match="shape"):
        step_char(model, 1, (torch.zeros(2, 1, 10), torch.zeros(2, 1, 10)))


def test_gradient_windows_spread_over_the_data():
    data = np.arange(1000)
    w = gradient_windows(data, length=64, count=4)
    assert w.shape == (4, 65) and w[0, 0] == 0 and w[-1, -1] == 999
    assert all((np.diff(row) == 1).all() for row in w)  # contiguous text
    assert gradient_windows(np.arange(10), length=64).shape == (1, 10)  # short data: one shorter window
    assert gradient_windows(np.arange(1), length=64).shape == (0, 0)


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
