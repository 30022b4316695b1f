"""A trainer's own random numbers: its first weights and its dropout masks.

torch has one global generator per device. Seeding it for a new trainer (the race, a
checkpoint opened in the window) changed the masks of another trainer running in the same
process, and a saved run carried whatever state the process had. Each trainer now draws
its weights from a generator of its own seed and swaps its own state in around the steps
that draw (dropout between stacked layers); without dropout nothing is swapped.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import torch
from torch import nn

from rnnlab.core.nn.model import CharRNN, ModelConfig


def init_weights(config: ModelConfig, seed: int) -> CharRNN:
    """A new model (on the CPU) with PyTorch's default initialisation (the same
    distributions) from a generator of `seed` alone: N(0, 1) for embeddings,
    U(-1/sqrt(fan), 1/sqrt(fan)) for recurrent and linear layers (fan = hidden size, or
    the linear layer's inputs). Built on the meta device first: torch's own initialisation
    would draw from the process's generator."""
    with torch.device("meta"):
        model = CharRNN(config)
    model = model.to_empty(device="cpu")
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Embedding):
                module.weight.normal_(0.0, 1.0, generator=gen)
            elif isinstance(module, nn.RNNBase):
                bound = 1.0 / math.sqrt(module.hidden_size)
                for weight in module.parameters():
                    weight.uniform_(-bound, bound, generator=gen)
            elif isinstance(module, nn.Linear):
                bound = 1.0 / math.sqrt(module.in_features)
                module.weight.uniform_(-bound, bound, generator=gen)
                if module.bias is not None:
                    module.bias.uniform_(-bound, bound, generator=gen)
    model.rnn.flatten_parameters()
    return model


class OwnRng:
    """The generator states one trainer draws from (CPU, and its CUDA device if any)."""

    def __init__(self, seed: int, device: torch.device):
        self.device = device
        self.cpu_state = torch.Generator(device="cpu").manual_seed(int(seed)).get_state()
        self.cuda_state = None
        if device.type == "cuda":
            self.cuda_state = torch.Generator(device=device).manual_seed(int(seed)).get_state()

    @contextmanager
    def active(self, needed: bool = True):
        """Draw from this trainer's states inside the block, and give the process back its own."""
        if not needed:
            yield
            return
        saved_cpu = torch.get_rng_state()
        torch.set_rng_state(self.cpu_state)
        saved_cuda = None
        if self.cuda_state is not None:
            saved_cuda = torch.cuda.get_rng_state(self.device)
            torch.cuda.set_rng_state(self.cuda_state, self.device)
        try:
            yield
        finally:
            self.cpu_state = torch.get_rng_state()
            torch.set_rng_state(saved_cpu)
            if saved_cuda is not None:
                self.cuda_state = torch.cuda.get_rng_state(self.device)
                torch.cuda.set_rng_state(saved_cuda, self.device)
