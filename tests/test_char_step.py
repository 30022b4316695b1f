"""One character stepped through the equations: the same numbers as probe.py, and each
step's terms add up to the printed equations."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnlab.core.nn.char_step import step_char
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import ProbeError, probe_ids

ATOL = 1e-5
CHARS = list("\nabcdefg ")


def make_model(cell: str, layers: int, embedding: int = 0, hidden: int = 10, seed: int = 0) -> CharRNN:
    torch.manual_seed(seed)
    return CharRNN(ModelConfig(vocab_size=len(CHARS), cell=cell, hidden=hidden, layers=layers, embedding=embedding))


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
