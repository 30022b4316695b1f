"""One character stepped through the equations: every layer's two matrix products, its
gates and new state, and the softmax, for watching a tiny model read a text.

h, c and the gates come from probe.py's rnn_step / lstm_step / gru_step with the model's
own weights. Pure torch, no Qt: the step-through view draws what step_char returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.nn.model import CharRNN, Hidden, hidden_from_tensors, hidden_tensors
from rnnlab.core.nn.probe import (
    as_ids,
    eval_mode,
    gru_step,
    initial_hidden,
    layer_weights,
    lstm_step,
    rnn_step,
    to_numpy,
)


@dataclass
class LayerStep:
    """One layer's arithmetic for one character (vectors (H,) unless said; G = gates per cell)."""

    layer: int
    x: np.ndarray  # (I,) this layer's input: the char's one-hot/embedding, or the h of the layer below
    h_prev: np.ndarray
    c_prev: np.ndarray | None  # LSTM only
    from_x: np.ndarray  # (G*H,) W_ih x + b_ih, all gate rows in PyTorch's order
    from_h: np.ndarray  # (G*H,) W_hh h_prev + b_hh
    gates: dict[str, np.ndarray]  # probe.GATE_NAMES[cell] -> (H,); empty for the rnn
    h: np.ndarray
    c: np.ndarray | None  # LSTM only
    w_ih: np.ndarray  # (G*H, I)
    w_hh: np.ndarray  # (G*H, H)


@dataclass
class CharStep:
    char_id: int
    layers: list[LayerStep]
    logits: np.ndarray  # (V,) y = W_out h + b_out with the top layer's h
    probs: np.ndarray  # (V,) softmax(logits): the next-char distribution
    hidden: Hidden  # model format, batch 1: pass it to the next step_char


def step_char(model: CharRNN, char_id: int, hidden: Hidden | None = None) -> CharStep:
    """Feed one character through every layer with the cell equations, then the decoder.

    For watching a tiny model (<= 16 units) think: each layer's two matrix products are
    kept apart (from_x, from_h) so both terms of the equation can be shown; h, c and the
    gates come from probe's rnn_step / lstm_step / gru_step. Starts from `hidden` (zeros if
    None); chain the returned .hidden to step through a text. Eval mode, no gradients.
    """
    ids = as_ids(model, np.asarray([char_id], dtype=np.int64))
    cell, layers = model.config.cell, model.config.layers
    with eval_mode(model), torch.no_grad():
        start = hidden_tensors(initial_hidden(model, hidden))
        states = [s.reshape(layers, -1).to(model.decoder.weight) for s in start]  # (L, H)
        x = model.encode_input(ids.view(1, 1))[0, 0]  # (I,)
        steps, hs, cs = [], [], []
        for k in range(layers):
            w = layer_weights(model, k)
            h_prev, c_prev, c, gates = states[0][k], states[1][k] if cell == "lstm" else None, None, {}
            if cell == "rnn":
                h = rnn_step(x, h_prev, w)
            elif cell == "lstm":
                h, c, gates = lstm_step(x, h_prev, c_prev, w)
                cs.append(c)
            else:
                h, gates = gru_step(x, h_prev, w)
            steps.append(LayerStep(
                layer=k, x=_copy(x), h_prev=_copy(h_prev), c_prev=None if c_prev is None else _copy(c_prev),
                from_x=_copy(F.linear(x, w.w_ih, w.b_ih)), from_h=_copy(F.linear(h_prev, w.w_hh, w.b_hh)),
                gates={name: _copy(g) for name, g in gates.items()}, h=_copy(h),
                c=None if c is None else _copy(c), w_ih=_copy(w.w_ih), w_hh=_copy(w.w_hh),
            ))
            hs.append(h)
            x = h  # the next layer's input
        logits = model.decoder(x)
        final = [torch.stack(hs).unsqueeze(1)] + ([torch.stack(cs).unsqueeze(1)] if cs else [])  # (L, 1, H)
    return CharStep(char_id=int(ids[0]), layers=steps, logits=_copy(logits),
                    probs=_copy(torch.softmax(logits, dim=-1)), hidden=hidden_from_tensors(cell, final))


def _copy(t: torch.Tensor) -> np.ndarray:
    """A numpy copy: on the CPU to_numpy can share memory with the weights or the given hidden
    state, and a view would change under the GUI while training goes on."""
    return np.array(to_numpy(t), copy=True)
