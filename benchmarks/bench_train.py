"""Training speed of rnnlab's engine against a plain PyTorch loop, side by side (run by hand).

    python benchmarks/bench_train.py                        # LSTM 2x128, 32x64, 20 s each
    python benchmarks/bench_train.py --cell gru --seconds 60 --json

Both train the same network (same cell, size, initial weights, one-hot input, Adam, clip,
B contiguous streams x S with the detached hidden state carried) on the same text:

    ours   rnnlab.core.train.trainer.Trainer, calling trainer.step() again and again
    plain  the loop a person writes by hand (below, no rnnlab code but loading the text)

The runs are interleaved: each round trains ours for seconds/rounds, then plain for as long
(the order alternating every round), so machine noise hits both alike. Each turn begins
with a few untimed warm-up steps. Throughput is training characters (steps x B x S) per
second of wall time; the ratio is median(ours) / median(plain). At the end both models
are scored with the same function, rnnlab.core.train.evaluation.evaluate_loss (mean nats/char over
the whole validation split), after about the same training time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.core.data.corpus import Corpus, load_corpus
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.evaluation import evaluate_loss
from rnnlab.core.train.trainer import Trainer

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"
SEED = 1234  # TrainConfig's default seed: both models start from the same weights
LR, CLIP = 2e-3, 5.0
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# ---- the plain loop ---------------------------------------------------------------------

class PlainCharRNN(nn.Module):
    """One-hot chars -> nn.LSTM/GRU/RNN -> nn.Linear: a hand-written char-rnn."""

    def __init__(self, vocab_size: int, cell: str, hidden: int, layers: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.rnn = CELLS[cell](vocab_size, hidden, layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab_size)  # evaluate_loss reads its device

    def forward(self, idx: torch.Tensor, hidden=None):
        x = F.one_hot(idx, self.vocab_size).float()  # (B, S, V)
        out, hidden = self.rnn(x, hidden)  # (B, S, H)
        return self.decoder(out), hidden  # (B, S, V)


def repackage(hidden):
    """Detach the carried state from the graph (truncated BPTT)."""
    return tuple(h.detach() for h in hidden) if isinstance(hidden, tuple) else hidden.detach()


class PlainLoop:
    """The training loop of pytorch/examples' word_language_model, for characters."""

    def __init__(self, data: np.ndarray, vocab_size: int, args: argparse.Namespace):
        self.device = torch.device(args.device)
        torch.manual_seed(SEED)
        self.model = PlainCharRNN(vocab_size, args.cell, args.hidden, args.layers).to(self.device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=LR)
        # B contiguous streams, read S columns at a time:  (B, L) each
        ids = torch.from_numpy(data.astype(np.int64))
        length = (len(ids) - 1) // args.batch
        used = args.batch * length
        self.x = ids[:used].view(args.batch, length).to(self.device)
        self.y = ids[1 : used + 1].view(args.batch, length).to(self.device)
        self.seq, self.n_windows, self.i = args.seq, length // args.seq, 0
        self.hidden = None
        self.losses: list[float] = []

    def step(self) -> None:
        if self.i >= self.n_windows:  # one epoch done: start again from a zero state
            self.i, self.hidden = 0, None
        cols = slice(self.i * self.seq, (self.i + 1) * self.seq)
        x, y = self.x[:, cols], self.y[:, cols]
        self.i += 1
        self.model.train()
        logits, hidden = self.model(x, self.hidden)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), CLIP)
        self.opt.step()
        self.hidden = repackage(hidden)
        self.losses.append(loss.item())  # what a person logs every step


# ---- measuring --------------------------------------------------------------------------

def make_trainer(corpus: Corpus, args: argparse.Namespace) -> Trainer:
    model = ModelConfig(vocab_size=len(corpus.vocab), cell=args.cell, hidden=args.hidden,
                        layers=args.layers)
    config = TrainConfig(batch=args.batch, seq=args.seq, lr=LR, optimizer="adam", clip=CLIP,
                         eval_every=0, seed=SEED, device=args.device, threads=args.threads)
    return Trainer(corpus, model, config)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed_turn(step: Callable[[], object], seconds: float, warmup: int,
               device: torch.device) -> tuple[int, float]:
    """Untimed warm-up steps, then steps until `seconds` have passed: (timed steps, seconds)."""
    for _ in range(warmup):
        step()
    sync(device)
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        if steps % 4 == 0 or device.type != "cuda":
            sync(device)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return steps, elapsed


def run_rounds(trainer: Trainer, plain: PlainLoop, args: argparse.Namespace) -> list[dict]:
    """Interleaved turns, alternating which goes first; chars/s of each per round."""
    chars_per_step = args.batch * args.seq
    turn = args.seconds / args.rounds
    contenders = {"ours": trainer.step, "plain": plain.step}
    rounds = []
    for r in range(args.rounds):
        order = ["ours", "plain"] if r % 2 == 0 else ["plain", "ours"]
        row: dict = {"round": r + 1, "first": order[0]}
        for name in order:
            steps, elapsed = timed_turn(contenders[name], turn, args.warmup, plain.device)
            row[name] = steps * chars_per_step / elapsed
            row[f"{name}_steps"] = steps
        rounds.append(row)
    return rounds


def summarise(rounds: list[dict], trainer: Trainer, plain: PlainLoop, corpus: Corpus,
              args: argparse.Namespace) -> dict:
    ours = statistics.median(r["ours"] for r in rounds)
    mine = statistics.median(r["plain"] for r in rounds)
    return {
        "text": corpus.name, "n_chars": corpus.n_chars, "cell": args.cell, "hidden": args.hidden,
        "layers": args.layers, "batch": args.batch, "seq": args.seq, "threads": torch.get_num_threads(),
        "device": str(plain.device), "seconds_each": args.seconds, "rounds": rounds,
        "ours_chars_per_s": ours, "plain_chars_per_s": mine, "ratio": ours / mine,
        # each round's own ratio: the two turns ran back to back, so drift between rounds cancels
        "round_ratio": statistics.median(r["ours"] / r["plain"] for r in rounds),
        "ours_steps": trainer.step_count, "plain_steps": len(plain.losses),
        "ours_val_loss": evaluate_loss(trainer.model, corpus.val),
        "plain_val_loss": evaluate_loss(plain.model, corpus.val),
    }


# ---- reporting --------------------------------------------------------------------------

def print_table(s: dict) -> None:
    print(f"{s['text']} ({s['n_chars']:,} chars): {s['cell'].upper()} {s['layers']}x{s['hidden']}, "
          f"batch {s['batch']} x seq {s['seq']}, {s['threads']} thread(s), {s['device']}, "
          f"{s['seconds_each']:g} s each in {len(s['rounds'])} rounds")
    print(f"{'round':>5}  {'first':>5}  {'ours chars/s':>12}  {'plain chars/s':>13}  {'ours/plain':>10}")
    for r in s["rounds"]:
        print(f"{r['round']:>5}  {r['first']:>5}  {r['ours']:>12,.0f}  {r['plain']:>13,.0f}  "
              f"{r['ours'] / r['plain']:>10.3f}")
    print(f"{'median':>12}  {s['ours_chars_per_s']:>12,.0f}  {s['plain_chars_per_s']:>13,.0f}  "
          f"{s['ratio']:>10.3f}")
    print(f"{'median of the rounds own ratios':>46}  {s['round_ratio']:>10.3f}")
    print(f"val loss (nats/char, whole validation split): ours {s['ours_val_loss']:.4f} after "
          f"{s['ours_steps']:,} steps, plain {s['plain_val_loss']:.4f} after {s['plain_steps']:,} steps")


def default_text() -> str:
    return str(SHAKESPEARE) if SHAKESPEARE.is_file() else "builtin:python"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--text", default=default_text(), help="file or builtin:NAME (default: %(default)s)")
    p.add_argument("--cell", choices=sorted(CELLS), default="lstm")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--seconds", type=float, default=20.0, help="training time of each, all rounds")
    p.add_argument("--rounds", type=int, default=20, help="turns each; short turns interleave finely")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps at the start of each turn")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads, for both")
    p.add_argument("--device", default="cpu")
    p.add_argument("--json", action="store_true", help="print one JSON summary line instead")
    args = p.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0 or args.threads < 1 or args.warmup < 0:
        p.error("--rounds and --threads must be at least 1, --seconds positive, --warmup >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    corpus = load_corpus(args.text)
    trainer = make_trainer(corpus, args)  # seeds torch: same initial weights as plain's
    plain = PlainLoop(corpus.train, len(corpus.vocab), args)
    summary = summarise(run_rounds(trainer, plain, args), trainer, plain, corpus, args)
    if args.json:
        print(json.dumps(summary))
    else:
        print_table(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
