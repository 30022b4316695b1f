"""Gradient flow through time: how far back the loss's gradient still reaches, averaged
over several windows of the text in one batched backward pass.

The model's numbers come from probe.py (the cell equations unrolled with the model's own
weights). Pure torch, no Qt. Shapes: T time steps, H hidden units, B windows.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.nn.model import CharRNN, hidden_tensors
from rnnlab.core.nn.probe import LayerRun, ProbeError, as_ids, eval_mode, layer_weights, unroll_layer


def gradient_flow(model: CharRNN, windows: torch.Tensor | np.ndarray) -> list[np.ndarray]:
    """probe.gradient_through_time averaged over several windows, in one batched pass.

    windows (B, T+1) ids (a single (T+1,) window is read as B = 1). Each window is read
    from a zero state: the model reads its first T chars, and the loss is the cross-entropy
    of its prediction after char T against char T+1. Returns, per layer, the mean over the
    B windows of ||dloss/dh_t|| for t = 0..T-1, shape (T,) float32. One window alone is
    noisy; the mean shows the trend (vanishing, carried or exploding). The model's
    parameters' .grad is left untouched and its train/eval mode restored.
    """
    shape = tuple(windows.shape) if hasattr(windows, "shape") else np.shape(windows)
    if len(shape) == 1:
        shape = (1, shape[0])
    if len(shape) != 2 or shape[0] < 1:
        raise ProbeError(f"windows must be (number of windows, length), not shape {shape}")
    if shape[1] < 2:
        raise ProbeError("each window needs at least 2 characters: inputs and a target")
    ids = as_ids(model, windows).view(shape)  # (B, T+1)
    steps = shape[1] - 1
    with eval_mode(model), torch.inference_mode(False), torch.enable_grad():
        runs = _unroll_windows(model, ids[:, :-1])
        logits = model.decoder(runs[-1].hs[-1])  # (B, V)
        # Summed, each window's loss depends only on its own h: d(sum)/dh_t[b] = dloss_b/dh_t[b].
        loss = F.cross_entropy(logits, ids[:, -1], reduction="sum")
        all_h = [h for run in runs for h in run.hs]
        grads = torch.autograd.grad(loss, all_h, allow_unused=True)
    norms = [0.0 if g is None else float(g.norm(dim=-1).mean()) for g in grads]
    return [np.asarray(norms[k * steps : (k + 1) * steps], dtype=np.float32) for k in range(len(runs))]


def gradient_windows(data: np.ndarray, length: int, count: int = 4) -> np.ndarray:
    """`count` windows of length+1 ids spread evenly over `data` (e.g. the validation
    part), for gradient_flow: fixed positions, so the curve changes only as the model
    does. Shorter data gives shorter or fewer windows; (0, 0) when under 2 ids."""
    length = max(1, min(length, len(data) - 1))
    if len(data) < 2:
        return np.zeros((0, 0), dtype=np.int64)
    starts = np.unique(np.linspace(0, len(data) - length - 1, num=max(count, 1)).astype(np.int64))
    return np.stack([np.asarray(data[s : s + length + 1], dtype=np.int64) for s in starts])


def _unroll_windows(model: CharRNN, ids: torch.Tensor) -> list[LayerRun]:
    """probe.unroll for a batch: ids (B, T) from zero states; each h_t in the runs is (B, H).

    The step functions use F.linear and chunk(-1), so probe.unroll_layer runs them on
    (B, I) inputs unchanged when it is given xs (T, B, I) and states (B, H).
    """
    cell, layers = model.config.cell, model.config.layers
    states = [s.to(model.decoder.weight) for s in hidden_tensors(model.init_hidden(ids.shape[0]))]  # (L, B, H)
    xs = model.encode_input(ids).transpose(0, 1)  # (T, B, I)
    runs = []
    for k in range(layers):
        c0 = states[1][k] if cell == "lstm" else None
        run = unroll_layer(cell, xs, states[0][k], c0, layer_weights(model, k))
        runs.append(run)
        xs = torch.stack(run.hs)  # (T, B, H): the next layer's input
    return runs
