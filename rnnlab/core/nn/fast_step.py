"""The model's one-character step, cheap: numpy float32 on one thread, no autograd.

Sampling reads one character at a time, so a step through torch's nn.LSTM costs mostly
per-call overhead (~0.4 ms for a 2x256 LSTM). Here, per character:

    layer 0:   gates = TABLE[char] + W_hh h          (the input side is a row lookup:
                                                      embedding/one-hot times W_ih, plus
                                                      the biases, computed once)
    layer k>0: gates = W_cat [h_below; h] + b        (one matrix-vector product; GRU: two,
                                                      its n gate needs W_hn h on its own)
    logits   = W_out h_top + b_out

with every array preallocated and the LSTM's gate rows reordered (i, f, o, g) so one
sigmoid covers three gates. The maths is nn.RNN/LSTM/GRU's; results match torch's to
float32 rounding. numpy's BLAS, not torch's thread pool: the window samples while
another thread trains with torch, and torch's thread count is the whole process's.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from threadpoolctl import ThreadpoolController

from rnnlab.core.nn.model import CharRNN, Hidden, hidden_from_tensors, hidden_tensors


@functools.cache
def use_one_blas_thread() -> None:
    """numpy's BLAS on one thread, for the whole process: rnnlab's numpy products are
    vector-sized, where a second thread costs more than it gives (2x slower per character
    with another process busy) and takes a core from training. `rnnlab sample`, alone in
    its process, may measure a second one (blas_fit.py)."""
    set_blas_threads(1)


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController().select(user_api="blas")  # numpy's BLAS: loaded above


def set_blas_threads(count: int) -> None:
    for lib in _blas().lib_controllers:
        lib.set_num_threads(count)


def _array(t: torch.Tensor) -> np.ndarray:
    return np.ascontiguousarray(t.detach().to("cpu", torch.float32).numpy())


def _sigmoid(x: np.ndarray) -> None:
    """In place: sigmoid(x) = (tanh(x / 2) + 1) / 2, stable for any x."""
    x *= 0.5
    np.tanh(x, out=x)
    x += 1.0
    x *= 0.5


class FastStepper:
    """Steps a CharRNN one character at a time; `state` is its hidden state (per layer h,
    and c for an LSTM). Copies the weights: later changes to the model are not seen."""

    def __init__(self, model: CharRNN):
        use_one_blas_thread()
        cfg = model.config
        self.cell, self.layers, self.hidden = cfg.cell, cfg.layers, cfg.hidden
        H, gates = cfg.hidden, {"rnn": 1, "lstm": 4, "gru": 3}[cfg.cell]
        rows = self._gate_order(H)
        rnn = model.rnn
        w = {name: _array(p) for name, p in rnn.named_parameters()}
        inputs = (_array(model.embed.weight) if model.embed is not None
                  else np.eye(cfg.vocab_size, dtype=np.float32))  # (V, I): each char's x
        fold = cfg.cell != "gru"  # GRU keeps b_hn inside r * (W_hn h + b_hn)
        table = inputs @ w["weight_ih_l0"].T + w["bias_ih_l0"]
        if fold:
            table += w["bias_hh_l0"]
        self.table = np.ascontiguousarray(table[:, rows])  # (V, G*H)
        self.w_hh = [np.ascontiguousarray(w[f"weight_hh_l{k}"][rows]) for k in range(cfg.layers)]
        self.b_hh = [w[f"bias_hh_l{k}"][rows] for k in range(cfg.layers)]
        self.w_ih = [None] + [np.ascontiguousarray(w[f"weight_ih_l{k}"][rows]) for k in range(1, cfg.layers)]
        self.b_ih = [None] + [w[f"bias_ih_l{k}"][rows] for k in range(1, cfg.layers)]
        if fold:  # upper layers: one product with [h_below; h] and one bias
            self.w_cat = [None] + [np.ascontiguousarray(np.hstack([self.w_ih[k], self.w_hh[k]]))
                                   for k in range(1, cfg.layers)]
            self.b_cat = [None] + [self.b_ih[k] + self.b_hh[k] for k in range(1, cfg.layers)]
        self.w_out = _array(model.decoder.weight)  # (V, H)
        self.b_out = _array(model.decoder.bias)
        self.logits = np.empty(cfg.vocab_size, np.float32)
        self._gates = np.empty(gates * H, np.float32)
        self._from_h = np.empty(gates * H, np.float32)
        self._cat = [np.empty(2 * H, np.float32) for _ in range(cfg.layers)]
        self._tmp = np.empty(H, np.float32)
        self.h = [np.zeros(H, np.float32) for _ in range(cfg.layers)]
        self.c = [np.zeros(H, np.float32) for _ in range(cfg.layers)] if cfg.cell == "lstm" else None

    def _gate_order(self, H: int) -> np.ndarray:
        """Rows of torch's gate stack in the order used here (LSTM: i, f, o, g)."""
        if self.cell == "lstm":
            return np.concatenate([np.arange(0, 2 * H), np.arange(3 * H, 4 * H), np.arange(2 * H, 3 * H)])
        return np.arange({"rnn": 1, "gru": 3}[self.cell] * H)

    # --- the hidden state as torch's Hidden (for the sampler's prime, read by the model) ---

    def set_state(self, hidden: Hidden) -> None:
        """Start from a torch hidden state (layers, 1, H) (and c for an LSTM)."""
        tensors = [_array(t).reshape(self.layers, self.hidden) for t in hidden_tensors(hidden)]
        for k in range(self.layers):
            self.h[k][:] = tensors[0][k]
            if self.c is not None:
                self.c[k][:] = tensors[1][k]

    def state(self) -> Hidden:
        """The hidden state as torch tensors (layers, 1, H), as the model returns it."""
        parts = [self.h] + ([self.c] if self.c is not None else [])
        return hidden_from_tensors(self.cell, [torch.from_numpy(np.stack(p)[:, None, :].copy()) for p in parts])

    # --- one character ---

    def step(self, char: int) -> np.ndarray:
        """Read one character (vocabulary id); return the next-char logits (V,), float32.
        The array is reused: copy it to keep it past the next step."""
        below = None
        for k in range(self.layers):
            g = self._gates
            if self.cell == "gru":
                self._gru(k, char, below)
            else:
                if k == 0:
                    np.dot(self.w_hh[0], self.h[0], out=g)
                    g += self.table[char]
                else:
                    cat = self._cat[k]
                    cat[:self.hidden] = below
                    cat[self.hidden:] = self.h[k]
                    np.dot(self.w_cat[k], cat, out=g)
                    g += self.b_cat[k]
                self._lstm(k, g) if self.cell == "lstm" else np.tanh(g, out=self.h[k])
            below = self.h[k]
        np.dot(self.w_out, below, out=self.logits)
        self.logits += self.b_out
        return self.logits

    def _lstm(self, k: int, g: np.ndarray) -> None:
        H = self.hidden
        _sigmoid(g[:3 * H])  # i, f, o
        np.tanh(g[3 * H:], out=g[3 * H:])  # g
        c, tmp = self.c[k], self._tmp
        c *= g[H:2 * H]
        np.multiply(g[:H], g[3 * H:], out=tmp)
        c += tmp
        np.tanh(c, out=tmp)
        np.multiply(g[2 * H:3 * H], tmp, out=self.h[k])

    def _gru(self, k: int, char: int, below: np.ndarray | None) -> None:
        """r, z = sigmoid(W_i x + b_i + W_h h + b_h); n = tanh(W_in x + b_in + r (W_hn h + b_hn));
        h = (1 - z) n + z h."""
        H, g, hh, h = self.hidden, self._gates, self._from_h, self.h[k]
        if k == 0:
            g[:] = self.table[char]
        else:
            np.dot(self.w_ih[k], below, out=g)
            g += self.b_ih[k]
        np.dot(self.w_hh[k], h, out=hh)
        hh += self.b_hh[k]
        g[:2 * H] += hh[:2 * H]
        _sigmoid(g[:2 * H])
        n = g[2 * H:]
        n += g[:H] * hh[2 * H:]
        np.tanh(n, out=n)
        # h = n + z (h - n)
        tmp = self._tmp
        np.subtract(h, n, out=tmp)
        tmp *= g[H:2 * H]
        np.add(n, tmp, out=h)
