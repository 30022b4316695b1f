"""Validation loss: mean cross-entropy per character over held-out text, no gradients."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.data.batches import eval_streams
from rnnlab.core.nn.model import CharRNN


def evaluate_loss(model: CharRNN, data: np.ndarray, *, streams: int = 64, window: int = 256,
                  max_chars: int | None = None) -> float:
    """Nats per character of `data` (predicting each char from all chars before it).

    The text is read as `streams` parallel streams, `window` characters at a time, with
    the hidden state carried between windows, so it costs one pass and no prefix reruns.
    """
    if max_chars is not None and len(data) > max_chars + 1:
        data = data[: max_chars + 1]
    device = model.decoder.weight.device
    x_all, y_all = eval_streams(data, streams)  # (B, L) each
    was_training = model.training
    model.eval()
    total, count, hidden = 0.0, 0, None
    try:
        with torch.inference_mode():
            for start in range(0, x_all.shape[1], window):
                x = x_all[:, start : start + window].to(device)
                y = y_all[:, start : start + window].to(device)
                logits, hidden = model(x, hidden)  # (B, T, V)
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                       reduction="sum")
                total += loss.item()
                count += y.numel()
    finally:
        model.train(was_training)
    return total / max(count, 1)
