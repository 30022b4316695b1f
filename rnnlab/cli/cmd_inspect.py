"""`rnnlab inspect`: what a checkpoint holds, read from its header only."""

from __future__ import annotations

import json

from rnnlab.core.io.run_state import read_run_metadata
from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.train.events import LN2


def add_parser(sub) -> None:
    p = sub.add_parser("inspect", help="describe a checkpoint",
                       description="Show a checkpoint's model, text, progress and losses.")
    p.add_argument("checkpoint", help="a .rnnlab file")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
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
