"""Sampling speed (run by hand): chars/s of rnnlab's sampler against a plain torch loop.

    python benchmarks/bench_sample.py                  # LSTM 2x256 on tiny-shakespeare's vocabulary
    python benchmarks/bench_sample.py --cell gru --hidden 512 --layers 1

    in process   sample_text() for --length chars, against the loop a person writes with
                 torch (one nn.LSTM call of length 1 per char, softmax, multinomial),
                 interleaved over --rounds rounds; the median of each.
    CLI          `rnnlab sample CKPT --length 100000 > file` in a fresh process, start-up
                 (imports, loading the checkpoint) included: chars / wall seconds.

The model is trained for a few steps only: speed does not depend on what it learnt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.run_state import save_trainer
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.sampler import SampleSettings, sample_text
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"


def plain_loop(model, length: int, seed: int) -> float:
    """Seconds for the straightforward torch sampling loop."""
    gen = torch.Generator().manual_seed(seed)
    started = time.perf_counter()
    with torch.inference_mode():
        model.eval()
        idx, hidden = torch.tensor([[0]]), None
        for _ in range(length):
            logits, hidden = model(idx, hidden)
            probs = torch.softmax(logits[0, -1] / 0.8, dim=0)
            idx = torch.multinomial(probs, 1, generator=gen).view(1, 1)
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cell", default="lstm")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--length", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cli-length", type=int, default=100_000)
    args = p.parse_args()
    torch.set_num_threads(1)
    corpus = load_corpus(str(SHAKESPEARE))
    trainer = Trainer(corpus, ModelConfig(len(corpus.vocab), args.cell, args.hidden, args.layers),
                      TrainConfig(batch=8, seq=32, eval_every=0))
    for _ in range(5):
        trainer.step()
    model = trainer.snapshot_model()
    ours, plain = [], []
    for r in range(args.rounds):
        settings = SampleSettings(prime="\n", length=args.length, temperature=0.8, seed=r)
        started = time.perf_counter()
        sample_text(model, corpus.vocab, settings)
        ours.append(args.length / (time.perf_counter() - started))
        plain.append(min(args.length, 4000) / plain_loop(model, min(args.length, 4000), r))
    print(f"{args.cell} {args.layers}x{args.hidden}, vocabulary {len(corpus.vocab)}, torch threads 1")
    print(f"in process: rnnlab {statistics.median(ours):,.0f} chars/s, plain torch loop "
          f"{statistics.median(plain):,.0f} chars/s ({statistics.median(ours) / statistics.median(plain):.1f}x)")
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = save_trainer(os.path.join(tmp, "bench.rnnlab"), trainer)
        out = os.path.join(tmp, "sample.txt")
        started = time.perf_counter()
        with open(out, "wb") as f:
            subprocess.run([sys.executable, "-m", "rnnlab", "sample", ckpt, "--length", str(args.cli_length),
                            "--seed", "1"], stdout=f, check=True)
        seconds = time.perf_counter() - started
        written = len(Path(out).read_text(encoding="utf-8"))
    print(f"CLI: {written:,} chars in {seconds:.2f} s, start-up included: {args.cli_length / seconds:,.0f} chars/s")


if __name__ == "__main__":
    main()
