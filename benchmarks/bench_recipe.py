"""Validation loss after a time budget: rnnlab's recipes against a tuned plain loop (by hand).

    python benchmarks/bench_recipe.py --text ../shared/data/tinyshakespeare.txt --seconds 120 \
        --ours classroom --ours lstm:1x384:e32:b64:s64:lr4e-3 --plain lstm:1x384:e32:b64:s64:lr4e-3

A recipe is a preset name or `cell:LAYERSxHIDDEN[:eEMBED][:bBATCH][:sSEQ][:lrLR][:dDROPOUT]
[:wWARMUP][:fFINAL][:bf16]` (what the preset does not say keeps the preset's value; the
base is the CLI's default preset). Each run trains on the text for --seconds of training
time (validation passes not counted), then scores the whole validation split with
rnnlab.core.train.evaluation.evaluate_loss (mean nats/char).

    ours   rnnlab's Trainer with the recipe and its auto schedule, as `rnnlab train --seconds`
    plain  the loop a person writes by hand: nn.Embedding (or one-hot) -> nn.LSTM/GRU/RNN ->
           nn.Linear, Adam, clip 5, carried hidden state, a linear warm-up then a cosine to
           the end of the time budget (no rnnlab code but loading the text and the score)

The runs go one after another in this process, so run it alone on the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.train.evaluation import evaluate_loss
from rnnlab.core.train.presets import DEFAULT_PRESET, PRESETS
from rnnlab.core.train.trainer import Trainer

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
KEYS = {"e": ("model", "embedding", int), "b": ("train", "batch", int), "s": ("train", "seq", int),
        "lr": ("train", "lr", float), "d": ("model", "dropout", float), "w": ("train", "warmup_steps", int),
        "f": ("train", "final_lr", float)}


def parse_recipe(spec: str, vocab_size: int):
    """(label, ModelConfig, TrainConfig) of a preset name or a recipe string."""
    if spec in PRESETS:
        preset = PRESETS[spec]
        return spec, preset.model_config(vocab_size), preset.train_config(eval_every=0)
    preset = PRESETS[DEFAULT_PRESET]
    parts = spec.split(":")
    layers, hidden = (int(v) for v in parts[1].split("x"))
    model = {"cell": parts[0], "layers": layers, "hidden": hidden}
    train = {"eval_every": 0}
    for part in parts[2:]:
        if part == "bf16":
            train["precision"] = "bf16"
            continue
        key = "lr" if part.startswith("lr") else part[0]
        section, name, kind = KEYS[key]
        (model if section == "model" else train)[name] = kind(part[len(key):])
    train.setdefault("precision", "fp32")
    return spec, preset.model_config(vocab_size, **model), preset.train_config(**train)


def run_ours(corpus, model, train, seconds: float) -> dict:
    trainer = Trainer(corpus, model, train)
    trainer.run(lambda e: None, max_seconds=seconds)
    val = evaluate_loss(trainer.model, corpus.val, max_chars=10**9)
    return {"val": val, "steps": trainer.step_count,
            "chars_per_s": trainer.chars_seen / max(trainer.train_seconds, 1e-9), "precision": trainer.precision}


class PlainCharRNN(nn.Module):
    def __init__(self, vocab: int, cell: str, hidden: int, layers: int, embedding: int, dropout: float):
        super().__init__()
        self.vocab, self.embedding = vocab, embedding
        self.embed = nn.Embedding(vocab, embedding) if embedding else None
        self.rnn = CELLS[cell](embedding or vocab, hidden, layers, batch_first=True,
                               dropout=dropout if layers > 1 else 0.0)
        self.decoder = nn.Linear(hidden, vocab)  # evaluate_loss reads its device

    def forward(self, idx, hidden=None):
        x = self.embed(idx) if self.embed is not None else F.one_hot(idx, self.vocab).float()
        out, hidden = self.rnn(x, hidden)
        return self.decoder(out), hidden


def run_plain(corpus, model, train, seconds: float) -> dict:
    torch.manual_seed(train.seed)
    net = PlainCharRNN(model.vocab_size, model.cell, model.hidden, model.layers, model.embedding, model.dropout)
    opt = torch.optim.Adam(net.parameters(), lr=train.lr)
    data = torch.from_numpy(corpus.train.astype(np.int64))
    b, s = train.batch, train.seq
    per_stream = (len(data) - 1) // b
    streams, targets = data[: b * per_stream].view(b, per_stream), data[1 : b * per_stream + 1].view(b, per_stream)
    bf16 = train.precision == "bf16"
    hidden, pos, spent, step = None, 0, 0.0, 0
    while spent < seconds:
        started = time.perf_counter()
        if pos + s > per_stream:
            pos, hidden = 0, None
        x, y = streams[:, pos : pos + s], targets[:, pos : pos + s]
        pos += s
        warm = min((step + 1) / max(train.warmup_steps, 1), 1.0)
        decay = train.final_lr + (1 - train.final_lr) * 0.5 * (1 + math.cos(math.pi * min(spent / seconds, 1.0)))
        for group in opt.param_groups:
            group["lr"] = train.lr * warm * decay
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, hidden = net(x, hidden)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), train.clip)
        opt.step()
        hidden = tuple(h.detach() for h in hidden) if isinstance(hidden, tuple) else hidden.detach()
        step += 1
        spent += time.perf_counter() - started
    val = evaluate_loss(net, corpus.val, max_chars=10**9)
    return {"val": val, "steps": step, "chars_per_s": step * b * s / spent, "precision": train.precision}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text", required=True)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--ours", action="append", default=[], help="a preset or recipe, trained by rnnlab")
    p.add_argument("--plain", action="append", default=[], help="a recipe, trained by the plain loop")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, help="override every recipe's seed")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    corpus = load_corpus(args.text)
    results = []
    for who, specs, run in (("ours", args.ours, run_ours), ("plain", args.plain, run_plain)):
        for spec in specs:
            label, model, train = parse_recipe(spec, len(corpus.vocab))
            if args.seed is not None:
                train = replace(train, seed=args.seed)
            row = {"who": who, "recipe": label, "text": corpus.name, "seconds": args.seconds,
                   **run(corpus, model, train, args.seconds)}
            results.append(row)
            if not args.json:
                print(f"{who:5} {label:40} val {row['val']:.4f}  {row['steps']:6,} steps  "
                      f"{row['chars_per_s']:9,.0f} chars/s  {row['precision']}", flush=True)
    if args.json:
        print(json.dumps({"threads": args.threads, "results": results}))


if __name__ == "__main__":
    main()
