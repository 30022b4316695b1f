"""Does a model copy? Two scores for the copy task (builtin:copy), the point of the memory demo.

    copied half's loss   nats/char on each line's second copy (and its newline), apart from
                         the rest (the random string and the gap, which no memory can predict
                         better): ~0 when the model remembers, ~log 4 = 1.39 when it does not
    exact copies         fresh lines the model has never read, primed up to the second mark
                         ("abca|...........|") from a zero state as a sample is: how many it
                         writes back exactly, most likely character first
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.data.builtin_corpora import COPY_MARK, copy_line, is_builtin_spec, parse_spec
from rnnlab.core.data.corpus import Corpus
from rnnlab.core.errors import CorpusError
from rnnlab.core.nn.model import CharRNN
from rnnlab.core.nn.sampler import SampleSettings, sample_text

SCORE_CHARS = 20_000  # validation characters for the copied half's loss: ~0.2 s for a 1x128 LSTM
TRIES = 20  # fresh lines to copy
TRY_SEED = 99_991  # fresh lines differ from the corpus's own (seed 0 unless given)


@dataclass(frozen=True)
class CopyScore:
    copy_loss: float  # nats/char on the second copies
    rest_loss: float  # nats/char on everything else
    copied: int  # fresh lines written back exactly
    tried: int
    example: str  # the first fresh line as the model completed it

    def to_dict(self) -> dict:
        return {"copy_loss": self.copy_loss, "rest_loss": self.rest_loss, "copied": self.copied,
                "tried": self.tried, "example": self.example}

    def summary(self) -> str:
        return f"copied half {self.copy_loss:.3f} nats/char, {self.copied} of {self.tried} fresh strings copied"


def is_copy_task(corpus: Corpus) -> bool:
    """True for a corpus made by builtin:copy (any length or seed)."""
    source = str(corpus.source)
    if not is_builtin_spec(source):
        return False
    try:
        return parse_spec(source).name == "copy"
    except CorpusError:
        return False


def copy_mask(text: str) -> np.ndarray:
    """True at each character of a line's second copy and the newline that ends it."""
    mask = np.zeros(len(text), dtype=bool)
    marks = 0
    for i, ch in enumerate(text):
        mask[i] = marks == 2
        if ch == "\n":
            marks = 0
        elif ch == COPY_MARK:
            marks += 1
    return mask


def score_copy(model: CharRNN, corpus: Corpus, *, chars: int = SCORE_CHARS, tries: int = TRIES,
               seed: int = TRY_SEED) -> CopyScore:
    """Both scores of `model` on the copy corpus `corpus`; no gradients, weights unchanged."""
    ids = corpus.val[: chars + 1].astype(np.int64)
    losses = _char_losses(model, ids)
    mask = copy_mask(corpus.vocab.decode(ids))[1:]  # losses[i] is the loss of ids[i + 1]
    rng = random.Random(seed)
    copied, example = 0, ""
    for n in range(tries):
        read, answer = copy_line(rng)
        got = sample_text(model, corpus.vocab, SampleSettings(prime=read, length=len(answer),
                                                               temperature=0.0))
        copied += got == answer
        if n == 0:
            example = read + got.rstrip("\n")
    return CopyScore(_mean(losses[mask]), _mean(losses[~mask]), copied, tries, example)


def _char_losses(model: CharRNN, ids: np.ndarray) -> np.ndarray:
    """The loss of each of ids[1:] given those before it, in one pass from a zero state."""
    if len(ids) < 2:
        return np.zeros(0)
    device = model.decoder.weight.device
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            x = torch.as_tensor(ids[None, :-1], device=device)
            logits, _ = model(x)
            y = torch.as_tensor(ids[1:], device=device)
            return F.cross_entropy(logits[0].float(), y, reduction="none").cpu().numpy()
    finally:
        model.train(was_training)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")
