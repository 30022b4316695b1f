"""Do the "inside the network" views show what the course says? Two checks (run by hand).

    python benchmarks/explain_checks.py --threads 1            # ~3 min (4 if the brackets run is extended)
    python benchmarks/explain_checks.py --seconds 20 --brackets-seconds 30 --json-only

1. Vanishing gradients (the gradient-flow view) on builtin:copy. A vanilla RNN, an LSTM
   and a GRU, each 1x64, batch 32 x seq 64, Adam 2e-3, clip 5, the same seed, train for
   the same time (--seconds). At step 0 and after training, the view's curve is computed
   as the app does it, rnnlab.core.nn.gradient_flow.gradient_flow over 8 windows of the validation
   text (gradient_windows(val, 64, count=8)): mean ||dloss/dh_t|| for t = 0..63 of the
   loss at the last position. Reported per cell: the norm at t = T-1, T-33 (32 chars back)
   and 0, the ratios to t = T-1 (and their log10), and the validation loss
   (Trainer.evaluate, the whole validation split), and whether the model copies at all:
   its mean loss on each line's random string and on the copy of it after the dots, over
   ~4,000 characters of validation text. The claim: the RNN's ratio
   norm[0] / norm[T-1] is orders of magnitude (here: at least 2) smaller than the LSTM's
   and the GRU's.

2. A depth-tracking unit (the neuron hunt) on builtin:brackets. An LSTM 1x64 trains for
   --brackets-seconds; it reads ~400 characters of validation text from a zero state (as
   the app's probe does), starting at a line. Reported: the top 5 units of layer 0's h and
   c by |r| with the "inside brackets" mask (neuron_patterns.rank_units), and the best units by
   |r| with the nesting depth after each character (an integer, same counter as the mask);
   the same for the untrained network (step 0) as a reference, and the best depth units'
   r over 4,000 characters, to see whether the 400-character figure is a fluke.
   The claim: some unit tracks the depth with |r| >= 0.6 (the best |r| with the mask is
   reported beside it). If none does, training continues to
   --brackets-retry-seconds in all (the same run, longer) and the numbers are taken again.

Prints one JSON object per check (one line each), then a short summary (not with
--json-only; progress goes to stderr). Everything is seeded (TrainConfig.seed, the
built-in texts' own seed 0) and deterministic on the CPU for a given number of steps; a
time budget makes the number of steps depend on the machine's speed, so it is reported.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time

import numpy as np
import torch

from rnnlab.core.data.corpus import Corpus, load_corpus
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.neuron_patterns import pattern_mask, pattern_signal, rank_units, unit_correlations
from rnnlab.core.nn.probe import probe
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import WarningEvent
from rnnlab.core.train.trainer import Trainer

HIDDEN, LAYERS, BATCH, SEQ, LR, CLIP = 64, 1, 32, 64, 2e-3, 5.0
WINDOW, N_WINDOWS = 64, 8  # gradient_flow: T = 64 positions, mean over 8 windows
BACK = 32  # "32 chars back" = t = T-1-32 = T-33
ORDERS = 2.0  # "orders of magnitude": the RNN's log10 ratio at least this far below the others
PROBE_CHARS, LONG_PROBE_CHARS = 400, 4000
TARGET_R = 0.6

_quiet = False


def say(message: str) -> None:
    if not _quiet:
        print(message, file=sys.stderr, flush=True)


# ---- helpers ----------------------------------------------------------------------------

def make_trainer(corpus: Corpus, cell: str, args: argparse.Namespace) -> Trainer:
    model = ModelConfig(vocab_size=len(corpus.vocab), cell=cell, hidden=HIDDEN, layers=LAYERS)
    config = TrainConfig(batch=BATCH, seq=SEQ, lr=LR, optimizer="adam", clip=CLIP, eval_every=0,
                         seed=args.seed, device="cpu", threads=args.threads)
    return Trainer(corpus, model, config)  # seeds torch: same seed, same initial weights


def train(trainer: Trainer, seconds: float) -> dict:
    """Train for `seconds` more of step time; the guard's warnings are kept, never blocking."""
    warnings: list[str] = []

    def on_event(event):
        if isinstance(event, WarningEvent):
            warnings.append(f"step {event.step}: {event.kind}: {event.message}")

    reason = trainer.run(on_event, max_seconds=seconds, block_on_pause=False)
    return {"reason": reason, "warnings": warnings}


def log10(x: float) -> float | None:
    return math.log10(x) if x > 0 else None  # None: the gradient underflowed to exactly 0


def flow_summary(norms: np.ndarray) -> dict:
    """The gradient curve (T,) reduced to the numbers the check compares."""
    norms = np.asarray(norms, dtype=np.float64)
    t_len = norms.size
    last, back, first = norms[-1], norms[t_len - 1 - BACK], norms[0]
    ratio0 = first / last if last > 0 else math.nan
    ratio_back = back / last if last > 0 else math.nan
    return {
        "T": t_len,
        "norm_last": float(last), f"norm_back{BACK}": float(back), "norm_first": float(first),
        "ratio_first_last": float(ratio0), "log10_ratio_first_last": log10(ratio0),
        f"ratio_back{BACK}_last": float(ratio_back), f"log10_ratio_back{BACK}_last": log10(ratio_back),
        "curve": [float(f"{v:.4g}") for v in norms],  # t = 0..T-1
    }


_COPY_LINE = re.compile(r"([a-h]+)\|(\.+)\|([a-h]+)\n")


def copy_losses(trainer: Trainer, text: str) -> dict:
    """Does the model copy? Mean nats per character on the random string of each line
    ("first", unpredictable: log 4 = 1.39 at best) and on its copy after the dots ("copy",
    near 0 for a model that remembers). `text` starts at a line; whole lines only."""
    probs = probe(trainer.model, trainer.corpus.vocab, text).probs  # probs[t]: p(text[t+1])
    ids = trainer.corpus.vocab.encode(text).astype(np.int64)
    nll = -np.log(np.clip(probs[np.arange(len(ids) - 1), ids[1:]], 1e-12, 1.0))  # nll[j-1]: char j
    first, copied = [], []
    for m in _COPY_LINE.finditer(text):
        first += [j - 1 for j in range(m.start(1), m.end(1)) if j > 0]
        copied += [j - 1 for j in range(m.start(3), m.end(3))]
    return {"first_string": float(nll[first].mean()), "copied_string": float(nll[copied].mean()),
            "lines": len(_COPY_LINE.findall(text))}


def probe_text(corpus: Corpus, length: int) -> str:
    """`length` characters of validation text starting at a line (the first full line)."""
    val = corpus.vocab.decode(corpus.val)
    start = val.find("\n") + 1
    return val[start : start + length]


def pairs(ranked: list[tuple[int, float]]) -> list[dict]:
    return [{"unit": u, "r": round(r, 4)} for u, r in ranked]


# ---- check 1: vanishing gradients on copy ------------------------------------------------

def check_copy(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    corpus = load_corpus("builtin:copy")
    windows = gradient_windows(corpus.val, WINDOW, count=N_WINDOWS)
    lines = probe_text(corpus, LONG_PROBE_CHARS)
    lines = lines[: lines.rfind("\n") + 1]  # whole lines
    cells = {}
    for cell in ("rnn", "lstm", "gru"):
        trainer = make_trainer(corpus, cell, args)
        init = {"val_loss": trainer.evaluate().val_loss, "nats_per_char": copy_losses(trainer, lines),
                **flow_summary(gradient_flow(trainer.model, windows)[0])}
        say(f"copy: {cell.upper()} 1x{HIDDEN}, {args.seconds:g} s ...")
        run = train(trainer, args.seconds)
        final = {"val_loss": trainer.evaluate().val_loss, "nats_per_char": copy_losses(trainer, lines),
                 **flow_summary(gradient_flow(trainer.model, windows)[0])}
        cells[cell] = {"steps": trainer.step_count, "train_seconds": round(trainer.train_seconds, 2),
                       "parameters": trainer.model.num_parameters(), **run, "init": init, "trained": final}
        say(f"  {trainer.step_count} steps, val {final['val_loss']:.4f}, "
            f"log10 norm[0]/norm[T-1] = {final['log10_ratio_first_last']}")

    def verdict(stage: str) -> dict:
        logs = {c: cells[c][stage]["log10_ratio_first_last"] for c in cells}
        rnn = -math.inf if logs["rnn"] is None else logs["rnn"]  # underflow to 0: as small as it gets
        gaps = {c: (None if logs[c] is None else (logs[c] - rnn if math.isfinite(rnn) else math.inf))
                for c in ("lstm", "gru")}
        holds = all(g is not None and g >= ORDERS for g in gaps.values())
        return {"orders_below": gaps, "holds": holds}

    return {
        "check": "vanishing_gradients", "corpus": corpus.name, "n_val": corpus.n_val,
        "model": f"1x{HIDDEN}", "batch": BATCH, "seq": SEQ, "lr": LR, "clip": CLIP,
        "seed": args.seed, "threads": torch.get_num_threads(), "seconds_each": args.seconds,
        "windows": [int(windows.shape[0]), int(windows.shape[1]) - 1],
        "claim": f"RNN's norm[0]/norm[T-1] at least {ORDERS:g} orders of magnitude below LSTM's and GRU's",
        "cells": cells, "at_init": verdict("init"), "after_training": verdict("trained"),
        "claim_holds": verdict("trained")["holds"], "wall_s": round(time.perf_counter() - started, 1),
    }


# ---- check 2: a depth-tracking unit on brackets -------------------------------------------

def measure_units(trainer: Trainer, text: str, long_text: str) -> dict:
    model, vocab = trainer.model, trainer.corpus.vocab
    mask = pattern_mask(text, "inside brackets")
    depth = pattern_signal(text, "bracket depth")
    layer = probe(model, vocab, text).layers[0]
    long_layer = probe(model, vocab, long_text).layers[0]
    long_depth = pattern_signal(long_text, "bracket depth")
    out: dict = {"val_loss": trainer.evaluate().val_loss, "steps": trainer.step_count,
                 "train_seconds": round(trainer.train_seconds, 2)}
    for name, acts, long_acts in (("h", layer.h, long_layer.h), ("c", layer.c, long_layer.c)):
        by_depth = rank_units(acts, depth, 3)
        long_r = unit_correlations(long_acts, long_depth)
        out[name] = {
            "top_mask": pairs(rank_units(acts, mask, 5)),
            "top_depth": pairs(by_depth),
            # the same units over a longer text: is the 400-char number a fluke?
            f"top_depth_r_over_{len(long_text)}": [round(float(long_r[u]), 4) for u, _ in by_depth],
            f"best_depth_over_{len(long_text)}": pairs(rank_units(long_acts, long_depth, 1))[0],
        }
    best_depth = max((abs(out[n]["top_depth"][0]["r"]), n, out[n]["top_depth"][0]["unit"]) for n in ("h", "c"))
    best_mask = max((abs(out[n]["top_mask"][0]["r"]), n, out[n]["top_mask"][0]["unit"]) for n in ("h", "c"))
    out["best_depth"] = dict(zip(("abs_r", "state", "unit"), best_depth))
    out["best_mask"] = dict(zip(("abs_r", "state", "unit"), best_mask))
    out["claim_holds"] = best_depth[0] >= TARGET_R  # the claim is about a depth-tracking unit
    out["mask_reaches_target"] = best_mask[0] >= TARGET_R
    return out


def check_brackets(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    corpus = load_corpus("builtin:brackets")
    text, long_text = probe_text(corpus, PROBE_CHARS), probe_text(corpus, LONG_PROBE_CHARS)
    mask, depth = pattern_mask(text, "inside brackets"), pattern_signal(text, "bracket depth")
    trainer = make_trainer(corpus, "lstm", args)
    at_init = measure_units(trainer, text, long_text)  # reference: the untrained network
    say(f"brackets: LSTM 1x{HIDDEN}, {args.brackets_seconds:g} s ...")
    runs = [{**train(trainer, args.brackets_seconds), **measure_units(trainer, text, long_text)}]
    say(f"  {trainer.step_count} steps, val {runs[-1]['val_loss']:.4f}, best |r| depth "
        f"{runs[-1]['best_depth']['abs_r']:.3f}, mask {runs[-1]['best_mask']['abs_r']:.3f}")
    more = args.brackets_retry_seconds - trainer.train_seconds
    if not runs[-1]["claim_holds"] and more > 0:
        say(f"brackets: below {TARGET_R}, training on to {args.brackets_retry_seconds:g} s ...")
        runs.append({**train(trainer, more), **measure_units(trainer, text, long_text)})
        say(f"  {trainer.step_count} steps, val {runs[-1]['val_loss']:.4f}, best |r| depth "
            f"{runs[-1]['best_depth']['abs_r']:.3f}, mask {runs[-1]['best_mask']['abs_r']:.3f}")
    return {
        "check": "depth_unit", "corpus": corpus.name, "cell": "lstm", "model": f"1x{HIDDEN}",
        "batch": BATCH, "seq": SEQ, "lr": LR, "seed": args.seed, "threads": torch.get_num_threads(),
        "probe_chars": len(text), "probe_text": text, "mask_fraction": round(float(mask.mean()), 4),
        "max_depth": int(depth.max()),
        "mask_vs_depth_r": round(float(np.corrcoef(mask.astype(float), depth)[0, 1]), 4),
        "claim": f"some unit of layer 0 (h or c) tracks the nesting depth with |r| >= {TARGET_R}",
        "at_init": at_init, "runs": runs, "claim_holds": runs[-1]["claim_holds"],
        "wall_s": round(time.perf_counter() - started, 1),
    }


# ---- reporting -----------------------------------------------------------------------------

def fmt_log(x: float | None) -> str:
    return "-inf" if x is None else f"{x:+.2f}"


def print_summary(copy: dict, brackets: dict) -> None:
    print(f"\n1. Vanishing gradients, {copy['corpus']}, 1x{HIDDEN}, {copy['seconds_each']:g} s each, "
          f"{copy['threads']} thread(s); gradient_flow over {copy['windows'][0]} windows of T = {copy['windows'][1]}")
    print(f"{'cell':>5}  {'steps':>6}  {'val loss':>8}  {'string / copy':>13}  {'log10 n[0]/n[T-1]':>17}  "
          f"{'log10 n[T-33]/n[T-1]':>20}  {'at init: val, log10 n[0]/n[T-1]':>32}")
    for cell, c in copy["cells"].items():
        t, i, n = c["trained"], c["init"], c["trained"]["nats_per_char"]
        print(f"{cell.upper():>5}  {c['steps']:>6}  {t['val_loss']:>8.4f}  "
              f"{n['first_string']:>6.2f} {n['copied_string']:>6.2f}  "
              f"{fmt_log(t['log10_ratio_first_last']):>17}  {fmt_log(t[f'log10_ratio_back{BACK}_last']):>20}  "
              f"{i['val_loss']:>24.4f}, {fmt_log(i['log10_ratio_first_last']):>6}")
    print("  string / copy: nats per char on each line's random string and on its copy after the "
          "dots (log 4 = 1.39: not remembered; near 0: copied)")
    for stage, key in (("after training", "after_training"), ("at init", "at_init")):
        gaps = copy[key]["orders_below"]
        shown = ", ".join(f"{c.upper()} {'n/a' if g is None else f'{g:.1f}'}" for c, g in gaps.items())
        print(f"  {stage}: RNN is this many orders of magnitude below: {shown} -> "
              f"claim {'HOLDS' if copy[key]['holds'] else 'does NOT hold'}")
    print(f"\n2. Depth unit, {brackets['corpus']}, LSTM 1x{HIDDEN}, {brackets['probe_chars']} chars of "
          f"validation text (max depth {brackets['max_depth']}, mask True on "
          f"{brackets['mask_fraction']:.0%}, r(mask, depth) = {brackets['mask_vs_depth_r']:+.2f})")
    for run in [brackets["at_init"], *brackets["runs"]]:
        when = "at init" if run["steps"] == 0 else f"after {run['train_seconds']:.0f} s ({run['steps']} steps)"
        print(f"  {when}, val {run['val_loss']:.4f}:")
        for name in ("h", "c"):
            s = run[name]
            top = ", ".join(f"{p['unit']} {p['r']:+.2f}" for p in s["top_mask"])
            deep = ", ".join(f"{p['unit']} {p['r']:+.2f}" for p in s["top_depth"])
            long_key = next(k for k in s if k.startswith("top_depth_r_over_"))
            longer = ", ".join(f"{r:+.2f}" for r in s[long_key])
            print(f"    {name}: mask top 5 [{top}]; depth top 3 [{deep}] "
                  f"(same units over {long_key.rsplit('_', 1)[1]} chars: {longer})")
        d, m = run["best_depth"], run["best_mask"]
        print(f"    best |r| with the depth {d['abs_r']:.3f} ({d['state']} unit {d['unit']}), with the mask "
              f"{m['abs_r']:.3f} ({m['state']} unit {m['unit']}) -> claim (depth |r| >= {TARGET_R}) "
              f"{'HOLDS' if run['claim_holds'] else 'does NOT hold'}")
    print(f"\nwall time: copy {copy['wall_s']:.0f} s, brackets {brackets['wall_s']:.0f} s, "
          f"total {copy['wall_s'] + brackets['wall_s']:.0f} s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=40.0, help="training time of each cell on copy")
    p.add_argument("--brackets-seconds", type=float, default=60.0, help="training time on brackets")
    p.add_argument("--brackets-retry-seconds", type=float, default=120.0,
                   help="if no unit reaches |r| >= 0.6, train on to this many seconds in all (0: don't)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=1234, help="TrainConfig seed (initial weights)")
    p.add_argument("--json-only", action="store_true", help="only the JSON lines, no summary or progress")
    args = p.parse_args(argv)
    if args.seconds <= 0 or args.brackets_seconds <= 0 or args.threads < 1 or args.brackets_retry_seconds < 0:
        p.error("--seconds and --brackets-seconds must be positive, --threads at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    global _quiet
    args = parse_args(argv)
    _quiet = args.json_only
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    copy = check_copy(args)
    print(json.dumps(copy), flush=True)
    brackets = check_brackets(args)
    print(json.dumps(brackets), flush=True)
    if not args.json_only:
        print_summary(copy, brackets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
