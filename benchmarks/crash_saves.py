"""Kill a process with SIGKILL while it saves checkpoints; the file on disk must always load.

    python benchmarks/crash_saves.py --trials 50 [--hidden 256] [--json]

Each trial starts a child that trains a model and saves it to the same path again and
again (save_trainer: temp file, fsync, os.replace). The child logs the SHA-256 of every
file it is about to write ("pending") and has written ("done"). The parent kills it with
SIGKILL at a random moment, then checks that the file at the path
  - loads (checkpoint reader and load_trainer), and
  - is byte-for-byte one complete save: the last "done" one (the previous checkpoint) or
    the "pending" one whose os.replace had just happened — never a mixture.
It also counts the temp files a kill leaves behind (they never replace the checkpoint).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import hashlib, os, sys
import rnnlab.core.io.checkpoint as ck
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer
from rnnlab.core.io.run_state import save_trainer

path, log_path, hidden = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = open(log_path, "a", buffering=1)
real = ck.atomic_write

def logged(target, data, *args):
    log.write("pending " + hashlib.sha256(data).hexdigest() + "\n"); os.fsync(log.fileno())
    real(target, data, *args)
    log.write("done " + hashlib.sha256(data).hexdigest() + "\n"); os.fsync(log.fileno())

ck.atomic_write = logged
corpus = load_corpus("builtin:hello")
trainer = Trainer(corpus, ModelConfig(len(corpus.vocab), "lstm", hidden, 2),
                  TrainConfig(batch=4, seq=16, eval_every=0, threads=1))
while True:
    trainer.step()
    save_trainer(path, trainer)
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trial(folder: Path, hidden: int, rng: random.Random) -> dict:
    path, log = folder / "run.rnnlab", folder / "saves.log"
    log.write_text("")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(log), str(hidden)])
    try:
        deadline = time.monotonic() + 120
        while "done" not in log.read_text():  # one complete save first: "the previous checkpoint"
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the child did not save")
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.0))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return check(path, log.read_text().split("\n"))


def check(path: Path, lines: list[str]) -> dict:
    from rnnlab.core.io.checkpoint import load_checkpoint
    from rnnlab.core.io.run_state import load_trainer

    done = [line.split()[1] for line in lines if line.startswith("done ")]
    pending = [line.split()[1] for line in lines if line.startswith("pending ")]
    digest = sha256(path)
    load_checkpoint(path)  # raises if it does not load
    load_trainer(path)
    outcome = ("previous" if digest == done[-1] else
               "new" if pending and digest == pending[-1] else "other")
    temps = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    for name in temps:
        os.unlink(path.parent / name)
    return {"saves": len(done), "outcome": outcome, "temp_files_left": len(temps),
            "size": path.stat().st_size}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--hidden", type=int, default=256, help="LSTM 2xH: bigger files, longer writes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    results, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.trials):
            folder = Path(tmp) / f"t{k}"
            folder.mkdir()
            try:
                result = trial(folder, args.hidden, rng)
            except Exception as exc:  # noqa: BLE001 - a failed load is the finding
                failures.append(f"trial {k}: {type(exc).__name__}: {exc}")
                continue
            results.append(result)
            if result["outcome"] == "other":
                failures.append(f"trial {k}: the file is neither the previous nor the new save")
    summary = {"trials": args.trials, "loaded": len(results),
               "previous": sum(r["outcome"] == "previous" for r in results),
               "new": sum(r["outcome"] == "new" for r in results),
               "temp_files_left": sum(r["temp_files_left"] for r in results),
               "file_mb": round(max((r["size"] for r in results), default=0) / 2**20, 1),
               "failures": failures}
    print(json.dumps(summary) if args.json else "\n".join(f"{k}: {v}" for k, v in summary.items()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
