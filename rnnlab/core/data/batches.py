"""char-rnn style batches for truncated back-propagation through time.

The training text is cut into B contiguous streams that are read in parallel, T characters
at a time. With the text "abcdefghijklmnopqrstuvwx" (24 chars, 23 usable pairs), B = 3:

    stream 0: a b c d e f g        x = a b c | d e f      (T = 3)
    stream 1: h i j k l m n        y = b c d | e f g
    stream 2: o p q r s t u        (rows of x, y are the batch; columns are time)

Each batch continues where the previous one stopped in the same row, so the hidden state
of row b is carried from batch to batch (detached: gradients stop at the window edge).
When the streams run out, the next batch starts again at column 0 and the caller resets
the hidden state: that is the wrap, one epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Batch:
    x: torch.Tensor  # (B, T) int64 input ids
    y: torch.Tensor  # (B, T) int64 next-char targets
    reset: bool  # True at the start of an epoch: begin from a zero hidden state


class StreamBatcher:
    """Serves (x, y) windows from B parallel streams; position and epoch are its state."""

    def __init__(self, data: np.ndarray, batch: int, seq: int):
        if batch < 1 or seq < 1:
            raise ValueError(f"batch and sequence length must be at least 1 (got {batch}, {seq})")
        stream_len = (len(data) - 1) // batch
        if stream_len < seq:
            need = batch * seq + 1
            raise ValueError(
                f"{len(data):,} training characters are too few for batch {batch} x sequence "
                f"{seq} (needs at least {need:,})"
            )
        self.batch, self.seq = batch, seq
        # Views, not copies: inputs and targets are the same array shifted by one.
        used = batch * stream_len
        self._x = data[:used].reshape(batch, stream_len)
        self._y = data[1 : used + 1].reshape(batch, stream_len)
        self.batches_per_epoch = stream_len // seq
        self.position = 0  # index of the next batch within the epoch
        self.epoch = 0

    @property
    def chars_per_batch(self) -> int:
        return self.batch * self.seq

    @property
    def epoch_progress(self) -> float:
        """Epochs done, fractional."""
        return self.epoch + self.position / self.batches_per_epoch

    def next_batch(self) -> Batch:
        if self.position >= self.batches_per_epoch:
            self.position, self.epoch = 0, self.epoch + 1
        start = self.position * self.seq
        cols = slice(start, start + self.seq)
        x = torch.from_numpy(self._x[:, cols].astype(np.int64))
        y = torch.from_numpy(self._y[:, cols].astype(np.int64))
        reset = self.position == 0
        self.position += 1
        return Batch(x, y, reset)

    def state(self) -> dict:
        return {"position": self.position, "epoch": self.epoch}

    def load_state(self, state: dict) -> None:
        self.position, self.epoch = int(state["position"]), int(state["epoch"])


def eval_streams(data: np.ndarray, batch: int, min_stream: int = 1000
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """The whole of `data` as (B, L) input/target streams for a no-grad pass.

    Every stream starts from a zero hidden state, with no context, so each is kept at least
    `min_stream` characters long (fewer streams for a short text) to keep that cold start
    a small share of the loss.
    """
    batch = max(1, min(batch, (len(data) - 1) // min_stream))
    stream_len = (len(data) - 1) // batch
    used = batch * stream_len
    x = torch.from_numpy(data[:used].astype(np.int64).reshape(batch, stream_len))
    y = torch.from_numpy(data[1 : used + 1].astype(np.int64).reshape(batch, stream_len))
    return x, y
