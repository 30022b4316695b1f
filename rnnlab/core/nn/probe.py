"""Looking inside a CharRNN: hidden states, LSTM cells and gates, GRU gates, gradients.

torch's fused nn.RNN / nn.LSTM / nn.GRU only hand back the top layer's outputs and the
final state. To see everything, this module re-computes the network by UNROLLING THE
CELL EQUATIONS step by step with the model's own weights (`model.rnn.weight_ih_l{k}`,
`weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`). `probe_ids` gets the same numbers in
bulk, fast enough to run several times a second during training. The tests check that
both match torch's to 1e-5.

    x_t (one-hot or embedding) -> layer 0 -> h^0_t -> layer 1 -> h^1_t ... -> decoder -> probs

Each layer reads the layer below's h_t as its input. There is no dropout here: it is what
the model computes in eval mode. Shapes: T time steps, I inputs, H hidden units, V chars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.data.vocab import Vocabulary, format_chars
from rnnlab.core.nn.model import CharRNN, Hidden, hidden_from_tensors, hidden_tensors

GATE_NAMES = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


class ProbeError(ValueError):
    """A text or window the model cannot read."""


@dataclass
class LayerTrace:
    h: np.ndarray  # (T, H) hidden state after each char
    c: np.ndarray | None = None  # (T, H) LSTM cell state; None for rnn/gru
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (T, H)


@dataclass
class ProbeResult:
    text: str | None  # None when probed from ids (probe_ids)
    cell: str
    layers: list[LayerTrace]
    probs: np.ndarray  # (T, V) next-char probabilities after each char
    logits: np.ndarray  # (T, V)
    ids: np.ndarray  # (T,) int64
    final_hidden: Hidden  # model format, batch 1: pass it back to probe the next chunk


class CellWeights(NamedTuple):
    w_ih: torch.Tensor  # (gates * H, I)
    w_hh: torch.Tensor  # (gates * H, H)
    b_ih: torch.Tensor | None  # (gates * H,)
    b_hh: torch.Tensor | None  # (gates * H,)


def layer_weights(model: CharRNN, k: int) -> CellWeights:
    """The weights of layer k, gates stacked in PyTorch's order (LSTM i,f,g,o; GRU r,z,n)."""
    rnn = model.rnn
    return CellWeights(
        getattr(rnn, f"weight_ih_l{k}"),
        getattr(rnn, f"weight_hh_l{k}"),
        getattr(rnn, f"bias_ih_l{k}", None),
        getattr(rnn, f"bias_hh_l{k}", None),
    )


# --- one step of each cell (x: (I,), h and c: (H,)) ----------------------------------


def rnn_step(x: torch.Tensor, h: torch.Tensor, w: CellWeights) -> torch.Tensor:
    """Vanilla RNN:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    return torch.tanh(F.linear(x, w.w_ih, w.b_ih) + F.linear(h, w.w_hh, w.b_hh))


def lstm_step(
    x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, w: CellWeights
) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """LSTM (returns h_t, c_t and the gates):

        i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)   input gate: how much new to write
        f = sigmoid(W_if x + b_if + W_hf h + b_hf)   forget gate: how much of c to keep
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)      candidate values to write
        o = sigmoid(W_io x + b_io + W_ho h + b_ho)   output gate: how much of c to show
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)
    """
    pre_i, pre_f, pre_g, pre_o = (F.linear(x, w.w_ih, w.b_ih) + F.linear(h, w.w_hh, w.b_hh)).chunk(4, -1)
    i, f, g, o = torch.sigmoid(pre_i), torch.sigmoid(pre_f), torch.tanh(pre_g), torch.sigmoid(pre_o)
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c, {"i": i, "f": f, "g": g, "o": o}


def gru_step(x: torch.Tensor, h: torch.Tensor, w: CellWeights) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """GRU (returns h_t and the gates):

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)         reset gate
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)         update gate: how much of h to keep
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))      candidate
        h_t = (1 - z) * n + z * h_{t-1}
    """
    x_r, x_z, x_n = F.linear(x, w.w_ih, w.b_ih).chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w.w_hh, w.b_hh).chunk(3, -1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h, {"r": r, "z": z, "n": n}


# --- unrolling ---------------------------------------------------------------------------


@dataclass
class LayerRun:
    """One layer's states as lists of (H,) tensors, still attached to the graph."""

    hs: list[torch.Tensor]
    cs: list[torch.Tensor] | None
    gates: dict[str, list[torch.Tensor]]


def unroll_layer(cell: str, xs: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None, w: CellWeights) -> LayerRun:
    """Run one layer over inputs xs (T, I) from state h (H,) (and c (H,) for the LSTM)."""
    run = LayerRun([], [] if cell == "lstm" else None, {name: [] for name in GATE_NAMES[cell]})
    for x in xs:  # x: (I,)
        gates = {}
        if cell == "rnn":
            h = rnn_step(x, h, w)
        elif cell == "lstm":
            h, c, gates = lstm_step(x, h, c, w)
            run.cs.append(c)
        else:
            h, gates = gru_step(x, h, w)
        run.hs.append(h)
        for name, value in gates.items():
            run.gates[name].append(value)
    return run


def unroll(model: CharRNN, ids: torch.Tensor, hidden: Hidden | None = None) -> list[LayerRun]:
    """All layers over ids (T,) on the model's device, layer k reading layer k-1's h."""
    cell, layers = model.config.cell, model.config.layers
    weight = model.decoder.weight  # for the device and dtype
    states = [s.reshape(layers, -1).to(weight) for s in hidden_tensors(initial_hidden(model, hidden))]  # (L, H)
    xs = model.encode_input(ids.view(1, -1))[0]  # (T, I)
    runs = []
    for k in range(layers):
        c0 = states[1][k] if cell == "lstm" else None
        run = unroll_layer(cell, xs, states[0][k], c0, layer_weights(model, k))
        runs.append(run)
        xs = torch.stack(run.hs)  # (T, H): the next layer's input
    return runs


def initial_hidden(model: CharRNN, hidden: Hidden | None) -> Hidden:
    if hidden is None:
        return model.init_hidden(1)
    want = (model.config.layers, 1, model.config.hidden)
    for t in hidden_tensors(hidden):
        if t.numel() != want[0] * want[2]:
            raise ProbeError(f"initial hidden state must have shape {want}, not {tuple(t.shape)}")
    return hidden


# --- the public probes ----------------------------------------------------------------------


def probe_ids(model: CharRNN, ids: torch.Tensor | np.ndarray, hidden: Hidden | None = None) -> ProbeResult:
    """Everything inside the model while it reads ids (T,), starting from `hidden` (or zeros).

    The same numbers as `unroll`, computed in bulk (the app probes several times a second
    while training, on the training thread): each layer's h_t come from torch's fused
    single-layer kernel with that layer's weights; with every h_{t-1} known, the gates are
    a few whole-matrix operations; only the LSTM's cell state needs a loop (one op a step).
    """
    ids = as_ids(model, ids)
    if ids.numel() == 0:
        raise ProbeError("nothing to probe: the text is empty")
    cell, layers = model.config.cell, model.config.layers
    with eval_mode(model), torch.no_grad():
        start = hidden_tensors(initial_hidden(model, hidden))
        states = [s.reshape(layers, -1).to(model.decoder.weight) for s in start]
        xs = model.encode_input(ids.view(1, -1))[0]  # (T, I)
        traces = []
        for k in range(layers):
            c0 = states[1][k] if cell == "lstm" else None
            traces.append(_layer_in_bulk(cell, xs, states[0][k], c0, layer_weights(model, k)))
            xs = traces[-1][0]  # (T, H): the next layer's input
        logits = model.decoder(xs)  # (T, V)
        final = [torch.stack([h[-1] for h, _, _ in traces]).unsqueeze(1)]  # (L, 1, H)
        if cell == "lstm":
            final.append(torch.stack([c[-1] for _, c, _ in traces]).unsqueeze(1))
    return ProbeResult(
        text=None,
        cell=cell,
        layers=[LayerTrace(h=to_numpy(h), c=None if c is None else to_numpy(c),
                           gates={name: to_numpy(g) for name, g in gates.items()}) for h, c, gates in traces],
        probs=to_numpy(torch.softmax(logits, dim=-1)),
        logits=to_numpy(logits),
        ids=ids.cpu().numpy(),
        final_hidden=hidden_from_tensors(cell, final),
    )


_FUSED = {"rnn": torch.rnn_tanh, "lstm": torch.lstm, "gru": torch.gru}  # what nn.RNN/LSTM/GRU call


def _layer_in_bulk(cell: str, xs: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor | None,
                   w: CellWeights) -> tuple[torch.Tensor, torch.Tensor | None, dict[str, torch.Tensor]]:
    """One layer over xs (T, I): h (T, H), the LSTM's c (T, H) or None, gates name -> (T, H)."""
    params = [p for p in w if p is not None]
    hx = (h0.view(1, 1, -1), c0.view(1, 1, -1)) if cell == "lstm" else h0.view(1, 1, -1)
    # args: input, hx, weights, has_biases, num_layers, dropout, train, bidirectional, batch_first
    hs = _FUSED[cell](xs.unsqueeze(1), hx, params, w.b_ih is not None, 1, 0.0, False, False, False)[0][:, 0]
    if cell == "rnn":
        return hs, None, {}
    h_prev = torch.cat([h0.unsqueeze(0), hs[:-1]])
    from_x, from_h = F.linear(xs, w.w_ih, w.b_ih), F.linear(h_prev, w.w_hh, w.b_hh)
    if cell == "gru":
        x_r, x_z, x_n = from_x.chunk(3, -1)
        h_r, h_z, h_n = from_h.chunk(3, -1)
        r = torch.sigmoid(x_r + h_r)
        return hs, None, {"r": r, "z": torch.sigmoid(x_z + h_z), "n": torch.tanh(x_n + r * h_n)}
    pre_i, pre_f, pre_g, pre_o = (from_x + from_h).chunk(4, -1)
    i, f, g, o = torch.sigmoid(pre_i), torch.sigmoid(pre_f), torch.tanh(pre_g), torch.sigmoid(pre_o)
    written = i * g
    cs = torch.empty_like(hs)
    c = c0
    for w_t, f_t, c_t in zip(written.unbind(), f.unbind(), cs.unbind()):  # c_t = f_t c_{t-1} + i_t g_t
        c = torch.addcmul(w_t, f_t, c, out=c_t)
    return hs, cs, {"i": i, "f": f, "g": g, "o": o}


def probe(model: CharRNN, vocab: Vocabulary, text: str, hidden: Hidden | None = None) -> ProbeResult:
    """probe_ids on a text. Characters outside the vocabulary raise ProbeError naming them,
    unless the vocabulary folds rare characters: then they read as the replacement symbol."""
    missing = vocab.missing(text)
    if missing and vocab.unknown_id is None:
        raise ProbeError(f"text has characters not in the model's vocabulary: {format_chars(missing)}")
    if len(vocab) != model.config.vocab_size:
        raise ProbeError(f"the model expects {model.config.vocab_size} characters but the vocabulary has {len(vocab)}")
    result = probe_ids(model, vocab.encode(text), hidden)
    result.text = text
    return result


def gradient_through_time(model: CharRNN, ids: torch.Tensor | np.ndarray) -> list[np.ndarray]:
    """How strongly the loss at the LAST step reaches back to each earlier hidden state.

    ids (T+1,): the model reads the first T chars; the loss is the cross-entropy of its
    prediction after char T against the last char. Returns, per layer, ||dloss/dh_t|| for
    t = 0..T-1 (shape (T,)): the vanishing (or exploding) gradient curve. Only the h_t get
    gradients (torch.autograd.grad); the model's parameters' .grad is left untouched.
    """
    ids = as_ids(model, ids)
    if ids.numel() < 2:
        raise ProbeError("the window needs at least 2 characters: inputs and a target")
    with eval_mode(model), torch.inference_mode(False), torch.enable_grad():
        runs = unroll(model, ids[:-1])
        logits = model.decoder(runs[-1].hs[-1])  # (V,)
        loss = F.cross_entropy(logits.unsqueeze(0), ids[-1:])
        all_h = [h for run in runs for h in run.hs]
        grads = torch.autograd.grad(loss, all_h, allow_unused=True)
    steps = ids.numel() - 1
    norms = [0.0 if g is None else float(g.norm()) for g in grads]
    return [np.asarray(norms[k * steps : (k + 1) * steps], dtype=np.float32) for k in range(len(runs))]


# --- helpers ------------------------------------------------------------------------------------


def as_ids(model: CharRNN, ids: torch.Tensor | np.ndarray) -> torch.Tensor:
    """ids as a 1-D int64 tensor on the model's device, range-checked."""
    if not isinstance(ids, torch.Tensor):
        ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    ids = ids.reshape(-1).long()
    if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= model.config.vocab_size):
        raise ProbeError(f"character ids must be in [0, {model.config.vocab_size}), "
                         f"got {int(ids.min())}..{int(ids.max())}")
    return ids.to(model.decoder.weight.device)


class eval_mode:
    """Put the model in eval mode for a block, then restore its training flag."""

    def __init__(self, model: CharRNN):
        self.model, self.was_training = model, model.training

    def __enter__(self):
        self.model.eval()

    def __exit__(self, *exc):
        self.model.train(self.was_training)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().float().numpy()
