"""`rnnlab inspect`: what a checkpoint holds, read from its header only; with --text and
--out, what the network computes while it reads that text, saved as an .npz for a notebook.
The arrays are built in rnnlab.core.nn.probe_arrays; this module only checks and wires."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rnnlab.cli.errors import UsageError
from rnnlab.core.data.textfile import read_text
from rnnlab.core.io.npz_file import check_npz_path, save_npz
from rnnlab.core.io.run_state import load_model, read_run_metadata
from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.nn.probe_arrays import describe_arrays, probe_arrays, text_ids
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import LN2

ARRAYS_HELP = ("With --out, the .npz holds (np.load(FILE) reads it; docs/inspect.md has an example):\n"
               + describe_arrays())


def add_parser(sub) -> None:
    p = sub.add_parser("inspect", help="describe a checkpoint, or save what it computes on a text",
                       description="Show a checkpoint's model, text, progress and losses. With --text "
                                   "and --out, save its hidden states, gates and gradient through "
                                   "time on that text as a NumPy .npz file.",
                       epilog=ARRAYS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="a .rnnlab file")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    given = p.add_mutually_exclusive_group()
    given.add_argument("--text", help="the characters to read (with --out)")
    given.add_argument("--text-file", metavar="FILE", help="read the characters from a text file (with --out)")
    p.add_argument("--out", metavar="FILE.npz", help="write the probe's arrays there (listed below)")
    p.add_argument("--grad-window", type=int, metavar="N",
                   help="inputs per gradient-through-time window (default: the checkpoint's --seq)")
    p.set_defaults(run=run)


def summarize(meta: dict) -> dict:
    model = ModelConfig.from_dict(meta["model"])
    history = meta.get("history", {})
    losses = history.get("train_loss", [])
    evals = history.get("evals", [])
    return {
        "model": model.to_dict(), "parameters": count_parameters(model),
        "train": meta.get("train", {}), "corpus": meta.get("corpus", {}),
        "vocab_size": len(meta["vocab"]["chars"]), "steps": meta["counters"]["step"],
        "chars_seen": meta["counters"]["chars_seen"],
        "last_train_loss": losses[-1] if losses else None,
        "last_val_loss": evals[-1][1] if evals else None,
        "best_val_loss": min(v for _, v in evals) if evals else None,
        "saved_at": meta.get("saved_at"), "rnnlab_version": meta.get("rnnlab_version"),
    }


def run(args) -> int:
    if args.out is not None:
        return write_arrays(args)
    if args.text is not None or args.text_file is not None or args.grad_window is not None:
        raise UsageError("--text, --text-file and --grad-window go with --out FILE.npz")
    return print_summary(args)


def write_arrays(args) -> int:
    """Check everything cheap (the file name, the folder, the checkpoint, the text) first,
    then probe and save."""
    if args.text is None and args.text_file is None:
        raise UsageError("--out needs the characters to read: --text TEXT or --text-file FILE")
    if args.grad_window is not None and args.grad_window < 1:
        raise UsageError(f"--grad-window must be 1 or more, not {args.grad_window}")
    out = check_npz_path(args.out)
    text = args.text if args.text is not None else read_text(Path(args.text_file))[0]
    model, vocab, meta = load_model(args.checkpoint)
    ids = text_ids(model, vocab, text)
    grad_length = args.grad_window or int(meta.get("train", {}).get("seq", TrainConfig().seq))
    arrays = probe_arrays(model, vocab, ids, grad_length, steps=int(meta["counters"]["step"]))
    save_npz(out, arrays)
    if args.json:
        print(json.dumps({"out": str(out), "arrays": {k: list(v.shape) for k, v in arrays.items()}}))
    else:
        c = model.config
        print(f"wrote {out}: {c.cell.upper()} {c.layers}x{c.hidden} reading {len(ids):,} chars "
              f"({', '.join(arrays)})")
    return 0


def print_summary(args) -> int:
    try:
        info = summarize(read_run_metadata(args.checkpoint))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{args.checkpoint}: checkpoint metadata is incomplete ({exc})") from None
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    m, c = info["model"], info["corpus"]
    print(f"model:      {m['cell'].upper()} {m['layers']}x{m['hidden']}, embedding "
          f"{m['embedding'] or 'one-hot'}, dropout {m['dropout']:g}, {info['parameters']:,} parameters")
    print(f"text:       {c.get('name', '?')} ({c.get('n_chars', 0):,} chars, "
          f"{info['vocab_size']} symbols, {c.get('encoding', '?')})")
    print(f"trained:    {info['steps']:,} steps, {info['chars_seen']:,} chars seen")
    for label, key in (("train loss", "last_train_loss"), ("val loss", "last_val_loss"),
                       ("best val", "best_val_loss")):
        if info[key] is not None:
            print(f"{label + ':':<12}{info[key]:.4f} nats/char ({info[key] / LN2:.3f} bits/char)")
    print(f"saved:      {info['saved_at']} by rnnlab {info['rnnlab_version']}")
    return 0
