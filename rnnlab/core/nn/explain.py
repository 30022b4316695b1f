"""The maths behind the "explain the network" views: gate saturation, the neuron hunt,
surprisal, gradient flow through time, and one character stepped through the equations.

Pure numpy/torch, no Qt: the views only draw what these functions return. The model's
numbers come from probe.py (the cell equations unrolled with the model's own weights);
this module adds the statistics a student looks at:

    gate_saturation   how often each gate is nearly shut or wide open (Karpathy et al. 2015)
    pattern_mask      which characters of a text belong to a pattern (quotes, a regex, ...)
    rank_units        the hidden units whose activation best follows that pattern
    surprisal_bits    how surprised the model was by each next character, in bits
    gradient_flow     how far back in time the loss's gradient still reaches
    step_char         one character through every layer: both matrix products, gates, softmax

Shapes: T time steps, H hidden units, V characters, B windows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.nn.model import CharRNN, Hidden, hidden_from_tensors, hidden_tensors
from rnnlab.core.nn.probe import (
    ProbeError,
    _as_ids,
    _eval_mode,
    _initial_hidden,
    _LayerRun,
    _numpy,
    gru_step,
    layer_weights,
    lstm_step,
    rnn_step,
    unroll_layer,
)

# --- gate saturation ------------------------------------------------------------------------


def gate_saturation(gate: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """For a gate's values (T, H) in [0, 1]: the fraction of time steps each unit spends
    nearly shut (< low) and nearly open (> high), each (H,) float64.

    Karpathy, Johnson & Fei-Fei (2015) plot one against the other: units far from both
    axes act as soft switches; units in a corner are (almost) always on or always off.
    """
    gate = np.asarray(gate, dtype=np.float64)
    if gate.ndim != 2:
        raise ValueError(f"gate values must be (time steps, units), not shape {gate.shape}")
    if gate.shape[0] == 0:
        raise ValueError("no time steps: saturation needs at least one")
    return (gate < low).mean(axis=0), (gate > high).mean(axis=0)


# --- patterns for the neuron hunt -----------------------------------------------------------

BUILTIN_PATTERNS: dict[str, str] = {
    "inside quotes": 'characters between an opening " and its closing "',
    "inside brackets": "characters inside at least one open (, [ or {",
    "bracket depth": "how many brackets are open: a number, not yes/no (finds depth-counting units)",
    "start of line": "the first character of each line",
    "after a space": "characters that follow a space",
    "digit": "the digits 0-9 (and other Unicode digits)",
}

_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")


class PatternError(ValueError):
    """A pattern that cannot be used: a bad regular expression, or one that is too slow."""


def pattern_mask(text: str, pattern: str, timeout: float = 1.0) -> np.ndarray:
    """Which characters of `text` belong to `pattern`: a bool array (len(text),).

    `pattern` is either a BUILTIN_PATTERNS name, computed here:

        inside quotes    True strictly between an opening " and the next " (each " toggles;
                         the quote characters themselves are False; an unclosed quote runs
                         to the end of the text)
        bracket depth    depth > 0 after reading the character (pattern_signal gives the
                         depth itself)
        inside brackets  one depth counter for all of ( [ { against ) ] } (kinds are not
                         matched; a closer at depth 0 is ignored, the depth never goes
                         below 0). A character is True when the depth is > 0 both before
                         and after reading it: so the outermost opening and closing
                         brackets are False, and nested brackets inside them are True
        start of line    index 0 and every character right after a "\\n"
        after a space    characters whose previous character is " " (a plain space)
        digit            str.isdigit()

    or else a Python regular expression (no flags; write (?m) for ^/$ at every line):
    every character covered by a non-empty match of re.finditer is True. A bad regex
    raises PatternError("bad pattern: ..."). A pattern that matches nothing is fine.

    Python's re cannot be interrupted, and a typed regex can backtrack for ages (`(a+)+b`
    on a run of "a"s), so the matching runs in a child Python that is killed after
    `timeout` seconds (PatternError). The text and pattern travel to it as JSON data.
    """
    if pattern in BUILTIN_PATTERNS:
        return _BUILTINS[pattern](text)
    try:
        re.compile(pattern)  # fast, and gives the message; a bad pattern never spawns a process
    except (re.error, OverflowError, RecursionError) as e:
        raise PatternError(f"bad pattern: {e}") from None
    mask = np.zeros(len(text), dtype=bool)
    if not text:
        return mask
    spans = _regex_spans(text, pattern, timeout)
    if spans:
        starts, ends = np.asarray(spans, dtype=np.int64).T
        depth = np.zeros(len(text) + 1, dtype=np.int64)
        np.add.at(depth, starts, 1)
        np.add.at(depth, ends, -1)
        mask = np.cumsum(depth[:-1]) > 0
    return mask


# The child's whole program: it reads {text, pattern} as JSON and prints the merged spans
# of the non-empty matches. Nothing from the text is executed, only matched.
_REGEX_SCRIPT = """\
import json, re, sys
job = json.load(sys.stdin)
spans = []
for m in re.finditer(job["pattern"], job["text"]):
    s, e = m.span()
    if s == e:
        continue
    if spans and s <= spans[-1][1]:
        spans[-1][1] = max(e, spans[-1][1])
    else:
        spans.append([s, e])
json.dump(spans, sys.stdout)
"""


def _regex_spans(text: str, pattern: str, timeout: float) -> list[list[int]]:
    """[start, end) of the matches, merged, computed by a child process that may be killed."""
    job = json.dumps({"text": text, "pattern": pattern}).encode("ascii")  # ensure_ascii: any text survives
    try:
        done = subprocess.run([sys.executable, "-I", "-c", _REGEX_SCRIPT], input=job,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        raise PatternError(f"the pattern took longer than {timeout:g} s on this text; make it simpler") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PatternError(f"bad pattern: {lines[-1] if lines else f'matching failed ({done.returncode})'}")
    return json.loads(done.stdout)


def _inside_quotes(text: str) -> np.ndarray:
    quote = np.fromiter((ch == '"' for ch in text), dtype=bool, count=len(text))
    return (np.cumsum(quote) % 2 == 1) & ~quote  # odd number of quotes so far, not a quote


def _inside_brackets(text: str) -> np.ndarray:
    mask = np.zeros(len(text), dtype=bool)
    depth = 0
    for t, ch in enumerate(text):
        before = depth
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        mask[t] = before > 0 and depth > 0
    return mask


def _bracket_depth(text: str) -> np.ndarray:
    """Open brackets after reading each character (the counter of _inside_brackets)."""
    depth, out = 0, np.zeros(len(text), dtype=np.float64)
    for t, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        out[t] = depth
    return out


def _start_of_line(text: str) -> np.ndarray:
    return np.fromiter((t == 0 or text[t - 1] == "\n" for t in range(len(text))), dtype=bool, count=len(text))


def _after_a_space(text: str) -> np.ndarray:
    return np.fromiter((t > 0 and text[t - 1] == " " for t in range(len(text))), dtype=bool, count=len(text))


def _digit(text: str) -> np.ndarray:
    return np.fromiter((ch.isdigit() for ch in text), dtype=bool, count=len(text))


_BUILTINS = {
    "inside quotes": _inside_quotes,
    "inside brackets": _inside_brackets,
    "bracket depth": lambda text: _bracket_depth(text) > 0,
    "start of line": _start_of_line,
    "after a space": _after_a_space,
    "digit": _digit,
}


def pattern_signal(text: str, pattern: str, timeout: float = 1.0) -> np.ndarray:
    """What the neuron hunt correlates units with, float64 (len(text),): the bracket depth
    for "bracket depth" (a counting unit follows the number, not just "inside or not"),
    else pattern_mask as 0/1. Its non-zero characters are the ones the pattern selects."""
    if pattern == "bracket depth":
        return _bracket_depth(text)
    return pattern_mask(text, pattern, timeout).astype(np.float64)


def unit_correlations(acts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pearson correlation of each unit's activation (T, H) with the mask (T,) as 0/1, or
    with any numeric signal (e.g. the bracket depth): (H,).

    A unit that never changes, or a mask that is all True or all False, carries no
    information about the other: its correlation is 0.0, not NaN (also when T is 0).
    """
    acts = np.asarray(acts, dtype=np.float64)
    mask = np.asarray(mask, dtype=np.float64)
    if acts.ndim != 2 or mask.ndim != 1 or acts.shape[0] != mask.shape[0]:
        raise ValueError(f"activations (T, H) and mask (T,) must have the same T, "
                         f"got {acts.shape} and {mask.shape}")
    r = np.zeros(acts.shape[1], dtype=np.float64)
    if acts.shape[0] == 0 or mask.min() == mask.max():
        return r
    varying = acts.max(axis=0) > acts.min(axis=0)  # exact test: a mean's rounding can't fake it
    a = acts[:, varying] - acts[:, varying].mean(axis=0)
    m = mask - mask.mean()
    r[varying] = (m @ a) / np.sqrt((a * a).sum(axis=0) * (m @ m))
    return np.clip(r, -1.0, 1.0)


def rank_units(acts: np.ndarray, mask: np.ndarray, top: int = 10) -> list[tuple[int, float]]:
    """The `top` units that follow the mask best, as (unit, r), by |r| descending (ties:
    lower unit first). A strongly negative r is as telling as a positive one."""
    if top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    r = unit_correlations(acts, mask)
    order = np.lexsort((np.arange(r.size), -np.abs(r)))[:top]
    return [(int(u), float(r[u])) for u in order]


# --- next character and surprisal -------------------------------------------------------------


def surprisal_bits(probs: np.ndarray, next_ids: np.ndarray) -> np.ndarray:
    """-log2 p(next char) for each step (T,), float64: 0 bits = certain, 1 bit = a coin flip.

    probs (T, V) are the model's distributions, next_ids (T,) the characters that came.
    p is clipped to [1e-12, 1] so a char the model ruled out reads ~40 bits, not infinity.
    """
    probs = np.asarray(probs, dtype=np.float64)
    next_ids = np.asarray(next_ids)
    if probs.ndim != 2 or next_ids.shape != (probs.shape[0],):
        raise ValueError(f"probs (T, V) and next_ids (T,) must have the same T, "
                         f"got {probs.shape} and {next_ids.shape}")
    if next_ids.size and (next_ids.min() < 0 or next_ids.max() >= probs.shape[1]):
        raise ValueError(f"next ids must be in [0, {probs.shape[1]})")
    p = probs[np.arange(probs.shape[0]), next_ids.astype(np.int64)]
    return -np.log2(np.clip(p, 1e-12, 1.0))


def top_next(probs_row: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k most probable next ids with their probabilities, descending (ties: lower id first)."""
    if k < 0:
        raise ValueError(f"k must be 0 or more, not {k}")
    p = np.asarray(probs_row, dtype=np.float64).reshape(-1)
    order = np.lexsort((np.arange(p.size), -p))[:k]
    return [(int(i), float(p[i])) for i in order]


# --- gradient flow through time ------------------------------------------------------------------


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
    ids = _as_ids(model, windows).view(shape)  # (B, T+1)
    steps = shape[1] - 1
    with _eval_mode(model), torch.inference_mode(False), torch.enable_grad():
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


def _unroll_windows(model: CharRNN, ids: torch.Tensor) -> list[_LayerRun]:
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


# --- one character, step by step ------------------------------------------------------------------


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
    ids = _as_ids(model, np.asarray([char_id], dtype=np.int64))
    cell, layers = model.config.cell, model.config.layers
    with _eval_mode(model), torch.no_grad():
        start = hidden_tensors(_initial_hidden(model, hidden))
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
    """A numpy copy: on the CPU _numpy can share memory with the weights or the given hidden
    state, and a view would change under the GUI while training goes on."""
    return np.array(_numpy(t), copy=True)
