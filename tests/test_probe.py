"""Probe: its numbers match torch's nn.RNN/LSTM/GRU and the cell equations unrolled step by
step; gradient through time."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnlab.core.data.vocab import REPLACEMENT, Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import ProbeError, gradient_through_time, probe, probe_ids, unroll

ATOL = 1e-5
CHARS = list("\nabcdefg ")


def make_model(cell: str, layers: int, embedding: int = 0, hidden: int = 10, seed: int = 0) -> CharRNN:
    torch.manual_seed(seed)
    return CharRNN(ModelConfig(vocab_size=len(CHARS), cell=cell, hidden=hidden, layers=layers, embedding=embedding))


def random_hidden(model: CharRNN):
    h = model.init_hidden(1)
    if isinstance(h, tuple):
        return tuple(torch.randn_like(t) for t in h)
    return torch.randn_like(h)


def torch_layer_outputs(model: CharRNN, ids: torch.Tensor, hidden) -> list[np.ndarray]:
    """Layer k's h over time, from a fresh (k+1)-layer torch module holding layers 0..k."""
    cfg, out = model.config, []
    for k in range(cfg.layers):
        rnn = type(model.rnn)(cfg.input_size, cfg.hidden, num_layers=k + 1, batch_first=True)
        rnn.load_state_dict({n: p for n, p in model.rnn.state_dict().items() if int(n.rsplit("_l", 1)[1]) <= k})
        h0 = None
        if hidden is not None:
            h0 = tuple(t[: k + 1] for t in hidden) if isinstance(hidden, tuple) else hidden[: k + 1]
        with torch.no_grad():
            seq, _ = rnn(model.encode_input(ids.view(1, -1)), h0)  # (1, T, H)
        out.append(seq[0].numpy())
    return out


@pytest.mark.parametrize("with_hidden", [False, True])
@pytest.mark.parametrize("embedding", [0, 5])
@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_unrolled_equations_match_torch(cell, layers, embedding, with_hidden):
    model = make_model(cell, layers, embedding)
    ids = torch.randint(0, len(CHARS), (17,))
    hidden = random_hidden(model) if with_hidden else None
    result = probe_ids(model, ids, hidden)

    with torch.no_grad():
        logits, final = model(ids.view(1, -1), hidden)  # (1, T, V)
    np.testing.assert_allclose(result.logits, logits[0].numpy(), atol=ATOL)
    np.testing.assert_allclose(result.probs, torch.softmax(logits[0], -1).numpy(), atol=ATOL)
    for trace, expected in zip(result.layers, torch_layer_outputs(model, ids, hidden), strict=True):
        assert trace.h.dtype == np.float32 and trace.h.shape == (17, 10)
        np.testing.assert_allclose(trace.h, expected, atol=ATOL)
    if cell == "lstm":
        for k, trace in enumerate(result.layers):
            np.testing.assert_allclose(trace.c[-1], final[1][k, 0].numpy(), atol=ATOL)
    for mine, theirs in zip(
        result.final_hidden if cell == "lstm" else [result.final_hidden],
        final if cell == "lstm" else [final],
    ):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), atol=ATOL)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bulk_probe_equals_the_equations_step_by_step(cell):
    """probe_ids works in bulk for speed; the cell equations one step at a time (what a
    student reads) must give the same h, c and gates."""
    model = make_model(cell, layers=2, embedding=4)
    ids = torch.randint(0, len(CHARS), (23,))
    hidden = random_hidden(model)
    result = probe_ids(model, ids, hidden)
    with torch.no_grad():
        runs = unroll(model, ids, hidden)
    for trace, run in zip(result.layers, runs, strict=True):
        np.testing.assert_allclose(trace.h, torch.stack(run.hs).numpy(), atol=ATOL)
        if cell == "lstm":
            np.testing.assert_allclose(trace.c, torch.stack(run.cs).numpy(), atol=ATOL)
        assert sorted(trace.gates) == sorted(run.gates)
        for name, values in run.gates.items():
            np.testing.assert_allclose(trace.gates[name], torch.stack(values).numpy(), atol=ATOL)


def test_lstm_gates_are_consistent():
    model = make_model("lstm", 2)
    result = probe_ids(model, torch.randint(0, len(CHARS), (12,)))
    for t in result.layers:
        assert sorted(t.gates) == ["f", "g", "i", "o"] and t.c.shape == t.h.shape
        c_prev = np.vstack([np.zeros((1, 10), np.float32), t.c[:-1]])
        np.testing.assert_allclose(t.c, t.gates["f"] * c_prev + t.gates["i"] * t.gates["g"], atol=ATOL)
        np.testing.assert_allclose(t.h, t.gates["o"] * np.tanh(t.c), atol=ATOL)
        for name in "ifo":
            assert ((t.gates[name] > 0) & (t.gates[name] < 1)).all()


def test_gru_gates_are_consistent():
    model = make_model("gru", 2)
    result = probe_ids(model, torch.randint(0, len(CHARS), (12,)))
    for t in result.layers:
        assert sorted(t.gates) == ["n", "r", "z"] and t.c is None
        h_prev = np.vstack([np.zeros((1, 10), np.float32), t.h[:-1]])
        z = t.gates["z"]
        np.testing.assert_allclose(t.h, (1 - z) * t.gates["n"] + z * h_prev, atol=ATOL)


def test_rnn_has_no_gates():
    result = probe_ids(make_model("rnn", 2), torch.tensor([1, 2, 3]))
    assert all(t.gates == {} and t.c is None for t in result.layers)


def test_probing_in_chunks_equals_probing_at_once():
    model = make_model("lstm", 2)
    ids = torch.randint(0, len(CHARS), (20,))
    whole = probe_ids(model, ids)
    first = probe_ids(model, ids[:8])
    second = probe_ids(model, ids[8:], first.final_hidden)
    np.testing.assert_allclose(np.vstack([first.layers[1].h, second.layers[1].h]), whole.layers[1].h, atol=ATOL)


def test_probe_text_and_vocabulary_errors():
    model, vocab = make_model("gru", 1), Vocabulary(chars=CHARS)
    result = probe(model, vocab, "abc de")
    assert result.text == "abc de" and result.cell == "gru"
    assert result.probs.shape == (6, len(CHARS)) and result.ids.tolist() == list(vocab.encode("abc de"))
    np.testing.assert_allclose(result.probs.sum(1), 1.0, atol=1e-5)
    with pytest.raises(ProbeError, match=r"'Z'.*U\+00E9"):
        probe(model, vocab, "abZé")
    with pytest.raises(ProbeError, match="empty"):
        probe(model, vocab, "")


def test_probe_folds_unknown_chars_when_the_vocabulary_does():
    folded = Vocabulary(chars=CHARS[:-1] + [REPLACEMENT], folded=3)
    model = make_model("rnn", 1)
    result = probe(model, folded, "aZb")
    assert result.ids.tolist() == [1, len(CHARS) - 1, 2]


def test_probe_restores_mode_and_leaves_no_grads():
    model = make_model("lstm", 2)
    model.train()
    probe_ids(model, torch.tensor([1, 2, 3]))
    gradient_through_time(model, torch.tensor([1, 2, 3, 4]))
    assert model.training
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    probe_ids(model, torch.tensor([1, 2, 3]))
    assert not model.training


def test_bad_hidden_and_ids():
    model = make_model("rnn", 2)
    with pytest.raises(ProbeError, match="shape"):
        probe_ids(model, torch.tensor([1, 2]), torch.zeros(1, 1, 10))
    with pytest.raises(ProbeError, match="ids"):
        probe_ids(model, torch.tensor([1, 99]))
    with pytest.raises(ProbeError, match="2 characters"):
        gradient_through_time(model, torch.tensor([1]))


# --- gradient through time ---------------------------------------------------------------


def test_gradient_vanishes_going_back_in_time():
    """Tiny recurrent weights (spectral norm < 1): every step back shrinks the gradient."""
    model = make_model("rnn", 1, hidden=8)
    with torch.no_grad():
        model.rnn.weight_hh_l0.uniform_(-0.1, 0.1)  # ||W_hh|| <= 0.8
    ids = np.random.default_rng(0).integers(0, len(CHARS), 21)
    (norms,) = gradient_through_time(model, ids)
    assert norms.shape == (20,) and norms.dtype == np.float32
    assert (norms > 0).all()
    assert (np.diff(norms) > 0).all()  # strictly growing towards the last step
    assert norms[0] < 1e-6 * norms[-1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_shapes_for_every_layer(cell):
    norms = gradient_through_time(make_model(cell, 3), torch.randint(0, len(CHARS), (11,)))
    assert [n.shape for n in norms] == [(10,)] * 3
    assert all(np.isfinite(n).all() and (n > 0).all() for n in norms)


def test_gradient_matches_hand_computation_for_one_unit():
    """1 unit: dL/dh_{T-1} = w_out . (p - y), and dL/dh_t = dL/dh_{t+1} * w_hh * (1 - h_{t+1}^2)."""
    vocab_size = 3
    torch.manual_seed(3)
    model = CharRNN(ModelConfig(vocab_size=vocab_size, cell="rnn", hidden=1, layers=1))
    ids = torch.tensor([0, 2, 1, 1, 0, 2])
    (norms,) = gradient_through_time(model, ids)

    h = probe_ids(model, ids[:-1]).layers[0].h[:, 0].astype(np.float64)  # (T,)
    w_out = model.decoder.weight.detach().double().numpy()[:, 0]  # (V,)
    b_out = model.decoder.bias.detach().double().numpy()
    w_hh = float(model.rnn.weight_hh_l0.detach())
    logits = w_out * h[-1] + b_out
    p = np.exp(logits - logits.max())
    p /= p.sum()
    grad = [float(w_out @ (p - np.eye(vocab_size)[int(ids[-1])]))]
    for t in range(len(h) - 2, -1, -1):
        grad.insert(0, grad[0] * w_hh * (1 - h[t + 1] ** 2))
    np.testing.assert_allclose(norms, np.abs(grad), rtol=1e-4, atol=1e-7)


def test_last_step_gradient_matches_finite_difference():
    """Nudge the top layer's last hidden state: the loss changes by grad * eps."""
    model = make_model("lstm", 2)
    ids = torch.randint(0, len(CHARS), (9,))
    norms = gradient_through_time(model, ids)
    h_last = torch.tensor(probe_ids(model, ids[:-1]).layers[-1].h[-1], dtype=torch.float64)
    w, b = model.decoder.weight.detach().double(), model.decoder.bias.detach().double()
    loss = lambda h: float(torch.nn.functional.cross_entropy((w @ h + b)[None], ids[-1:]))  # noqa: E731
    eps, fd = 1e-6, torch.zeros_like(h_last)
    for j in range(h_last.numel()):
        e = torch.zeros_like(h_last)
        e[j] = eps
        fd[j] = (loss(h_last + e) - loss(h_last - e)) / (2 * eps)
    assert norms[-1][-1] == pytest.approx(float(fd.norm()), rel=1e-4)
