"""CharRNN: a character-level recurrent language model.

    chars (B, T) -> input x_t (one-hot V or embedding E) -> stacked cell -> h_t (B, T, H)
                 -> decoder y_t = W_out h_t + b_out -> logits (B, T, V)

The recurrent part is torch's own nn.RNN / nn.LSTM / nn.GRU (fast fused kernels); the
probe (probe.py) re-derives the same numbers from the cell equations for teaching.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

CELLS = ("rnn", "lstm", "gru")
_CELL_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

# Hidden state: a tensor (layers, B, H) for rnn/gru, a pair (h, c) for lstm.
Hidden = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    cell: str = "lstm"
    hidden: int = 128
    layers: int = 2
    embedding: int = 0  # 0 = one-hot input
    dropout: float = 0.0  # between stacked layers only

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {self.cell!r}")
        for name in ("vocab_size", "hidden", "layers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.embedding < 0:
            raise ValueError(f"embedding must be 0 (one-hot) or positive, not {self.embedding}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), not {self.dropout}")

    @property
    def input_size(self) -> int:
        return self.embedding or self.vocab_size

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


class CharRNN(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embedding) if config.embedding else None
        self.rnn = _CELL_CLASSES[config.cell](
            input_size=config.input_size,
            hidden_size=config.hidden,
            num_layers=config.layers,
            dropout=config.dropout if config.layers > 1 else 0.0,
            batch_first=True,
        )
        self.decoder = nn.Linear(config.hidden, config.vocab_size)

    def encode_input(self, idx: torch.Tensor) -> torch.Tensor:
        """(B, T) int -> (B, T, input_size) float: the x_t fed to the first layer."""
        if self.embed is not None:
            return self.embed(idx)
        return F.one_hot(idx, self.config.vocab_size).to(self.decoder.weight.dtype)

    def forward(self, idx: torch.Tensor, hidden: Hidden | None = None) -> tuple[torch.Tensor, Hidden]:
        out, hidden = self.rnn(self.encode_input(idx), hidden)  # (B, T, H)
        return self.decoder(out), hidden  # (B, T, V)

    def init_hidden(self, batch: int, device: torch.device | str | None = None) -> Hidden:
        device = device or self.decoder.weight.device
        zeros = torch.zeros(self.config.layers, batch, self.config.hidden, device=device)
        return (zeros, zeros.clone()) if self.config.cell == "lstm" else zeros

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def detach_hidden(hidden: Hidden) -> Hidden:
    """Cut the graph between BPTT windows but keep the values (truncated BPTT)."""
    if isinstance(hidden, tuple):
        return tuple(h.detach() for h in hidden)
    return hidden.detach()


def hidden_tensors(hidden: Hidden) -> list[torch.Tensor]:
    return list(hidden) if isinstance(hidden, tuple) else [hidden]


def hidden_from_tensors(cell: str, tensors: list[torch.Tensor]) -> Hidden:
    return (tensors[0], tensors[1]) if cell == "lstm" else tensors[0]


def count_parameters(config: ModelConfig) -> int:
    """Parameter count without allocating the model (used by the GUI as you type)."""
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[config.cell]
    h = config.hidden
    total = config.vocab_size * config.embedding
    for layer in range(config.layers):
        inp = config.input_size if layer == 0 else h
        total += gates * h * (inp + h + 2)
    return total + h * config.vocab_size + config.vocab_size
