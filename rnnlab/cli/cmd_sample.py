"""`rnnlab sample`: stream generated text from a checkpoint to stdout."""

from __future__ import annotations

import sys

from rnnlab.cli.errors import UsageError
from rnnlab.core.io.run_state import load_model
from rnnlab.core.nn.sampler import SampleSettings, sample_stream
from rnnlab.core.train.device import DEVICES, resolve_device


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="generate text from a checkpoint",
                       description="Generate text one character at a time from CHECKPOINT.")
    p.add_argument("checkpoint", help="a .rnnlab file")
    add_sample_options(p)
    p.add_argument("--device", choices=DEVICES, default="cpu")
    p.set_defaults(run=run)


def add_sample_options(p, length_help: str = "characters to generate") -> None:
    p.add_argument("--prime", default="", help="text to start from (default: a new line)")
    p.add_argument("--length", type=int, default=500, help=length_help)
    p.add_argument("--temperature", type=float, default=0.8, help="0 = always the likeliest")
    p.add_argument("--top-k", type=int, default=0, help="sample among the k likeliest; 0 = off")
    p.add_argument("--top-p", type=float, default=1.0, help="nucleus sampling mass; 1 = off")
    p.add_argument("--seed", type=int, help="same seed, same text")


def sample_settings(args, seed: int | None = None) -> SampleSettings:
    """The settings add_sample_options asked for (`seed` when --seed was not given)."""
    if args.length < 0:
        raise UsageError(f"--length must be 0 or more, not {args.length}")
    return SampleSettings(prime=args.prime, length=args.length, temperature=args.temperature,
                          top_k=args.top_k, top_p=args.top_p, seed=seed if args.seed is None else args.seed)


def run(args) -> int:
    settings = sample_settings(args)
    model, vocab, _ = load_model(args.checkpoint, resolve_device(args.device))
    # checks prime and settings before printing; nothing else here needs the cores
    stream = sample_stream(model, vocab, settings, own_cores=True)
    out = sys.stdout
    live = out.isatty()  # a terminal sees each char as it comes; a file or pipe gets buffered writes
    out.write(args.prime)
    for sampled in stream:
        out.write(sampled.char)
        if live:
            out.flush()
    out.write("\n")
    return 0
