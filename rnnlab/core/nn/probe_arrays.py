"""What `rnnlab inspect --out` saves: the probe's numbers as named numpy arrays, for a notebook.

Plain arrays only (numbers and fixed-width strings, never Python objects), so that
`np.load(path)` reads them without allow_pickle. The names, shapes and meanings are in
ARRAYS (shown by `rnnlab inspect --help`) and in docs/inspect.md. Shapes: L layers,
T characters read, H hidden units, V vocabulary symbols, B gradient windows of N+1 chars.
"""

from __future__ import annotations

import numpy as np

from rnnlab.core.data.vocab import Vocabulary, format_chars
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import CharRNN
from rnnlab.core.nn.probe import GATE_NAMES, ProbeError, probe_ids

FORMAT, VERSION = "rnnlab-inspect", 1
GRADIENT_WINDOWS = 4  # as many as the window's Gradients view averages

# name -> (shape, what it holds); the gate arrays exist only for the cells that have them
ARRAYS = {
    "h": ("(L, T, H) float32", "each layer's hidden state h_t after reading char t"),
    "c": ("(L, T, H) float32", "LSTM only: the cell state c_t"),
    **{f"gate_{g}": ("(L, T, H) float32", f"LSTM only: gate {g}") for g in GATE_NAMES["lstm"]},
    **{f"gate_{g}": ("(L, T, H) float32", f"GRU only: gate {g}") for g in GATE_NAMES["gru"]},
    "gate_names": ("(G,) str", "the gates saved, in PyTorch's order (none for rnn)"),
    "probs": ("(T, V) float32", "the next-char probabilities after reading char t"),
    "ids": ("(T,) int64", "the chars read, as indices into vocab"),
    "text": ("() str", "the chars read, as text (vocab[ids] joined)"),
    "vocab": ("(V,) str", "the model's symbols: vocab[i] is the char with id i"),
    "grad_norm": ("(L, N) float32", "gradient through time: ||d loss / d h_t|| for input t, "
                                    "mean over the windows"),
    "grad_windows": ("(B, N+1) int64", "those windows of the text (ids): read from zeros, "
                                       "last char = target"),
    "cell": ("() str", "rnn, lstm or gru"),
    "layers": ("() int64", "L"), "hidden": ("() int64", "H"), "vocab_size": ("() int64", "V"),
    "embedding": ("() int64", "input embedding size; 0 = one-hot"),
    "steps": ("() int64", "the training steps the checkpoint had taken"),
    "format": ("() str", f"'{FORMAT}'"), "version": ("() int64", f"{VERSION}"),
}


def text_ids(model: CharRNN, vocab: Vocabulary, text: str) -> np.ndarray:
    """The ids (T,) int64 the model reads for `text`, or a ProbeError saying why not. Cheap:
    check it before the probe. A vocabulary that folds rare chars reads them as its '�'."""
    if len(text) < 2:
        raise ProbeError("the text needs at least 2 characters (the gradient needs an input and a target)")
    if len(vocab) != model.config.vocab_size:
        raise ProbeError(f"the model expects {model.config.vocab_size} characters but the vocabulary has {len(vocab)}")
    missing = vocab.missing(text)
    if missing and vocab.unknown_id is None:
        raise ProbeError(f"the text has characters not in the model's vocabulary: {format_chars(missing)}")
    return vocab.encode(text).astype(np.int64)


def probe_arrays(model: CharRNN, vocab: Vocabulary, ids: np.ndarray, grad_length: int,
                 steps: int = 0) -> dict[str, np.ndarray]:
    """Everything in ARRAYS for the chars `ids` (from text_ids), read from a zero state;
    the gradient over windows of grad_length inputs (shorter when the text is)."""
    config = model.config
    result = probe_ids(model, ids)
    arrays = {"h": np.stack([layer.h for layer in result.layers])}  # (L, T, H)
    if config.cell == "lstm":
        arrays["c"] = np.stack([layer.c for layer in result.layers])
    for name in GATE_NAMES[config.cell]:
        arrays[f"gate_{name}"] = np.stack([layer.gates[name] for layer in result.layers])
    windows = gradient_windows(result.ids, grad_length, GRADIENT_WINDOWS)  # (B, N+1)
    arrays.update(
        gate_names=np.array(GATE_NAMES[config.cell], dtype="<U1"),
        probs=result.probs.astype(np.float32),
        ids=result.ids.astype(np.int64),
        text=np.str_(vocab.decode(result.ids)),
        vocab=np.array(vocab.chars, dtype=str),
        grad_norm=np.stack(gradient_flow(model, windows)),  # (L, N)
        grad_windows=windows,
        cell=np.str_(config.cell),
        layers=np.int64(config.layers), hidden=np.int64(config.hidden),
        vocab_size=np.int64(config.vocab_size), embedding=np.int64(config.embedding),
        steps=np.int64(steps), format=np.str_(FORMAT), version=np.int64(VERSION),
    )
    return arrays


def describe_arrays() -> str:
    """ARRAYS as lines for a --help text."""
    return "\n".join(f"  {name:<13}{shape:<19}{what}" for name, (shape, what) in ARRAYS.items())
