"""Training speed when another process takes a core (run by hand, alone).

    python benchmarks/bench_busy.py                       # default preset, 30 s a run
    python benchmarks/bench_busy.py --preset small --seconds 20 --threads 0 --threads 2

Each run is `rnnlab train TEXT --preset P --seconds S --threads T --json` in a fresh process;
its speed is the done line's train_chars_per_s. Runs alternate idle / busy (a second Python
spinning `while True: pass`, as a browser or a video call would keep a core), twice, so drift
hits both alike; the figure is busy / idle for each --threads setting (0 = measured while
training, the default).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"


def train_speed(text: str, preset: str, seconds: float, threads: int) -> float:
    out = Path(tempfile.mkdtemp()) / "busy.rnnlab"
    argv = [sys.executable, "-m", "rnnlab", "train", text, "--preset", preset, "--seconds", str(seconds),
            "--threads", str(threads), "--eval-every", "0", "--json", "--out", str(out)]
    lines = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.splitlines()
    return json.loads(lines[-1])["train_chars_per_s"]


def with_busy_core(run):
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        return run()
    finally:
        spinner.kill()
        spinner.wait()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text", default=str(SHAKESPEARE) if SHAKESPEARE.is_file() else "builtin:python")
    p.add_argument("--preset", default="classroom")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--threads", type=int, action="append", help="settings to compare (default: 0)")
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    for threads in args.threads or [0]:
        idle, busy = [], []
        for _ in range(args.rounds):
            idle.append(train_speed(args.text, args.preset, args.seconds, threads))
            busy.append(with_busy_core(lambda t=threads: train_speed(args.text, args.preset, args.seconds, t)))
        row = {"preset": args.preset, "threads": threads, "seconds": args.seconds,
               "idle_chars_per_s": [round(v) for v in idle], "busy_chars_per_s": [round(v) for v in busy],
               "busy_over_idle": round(sum(busy) / sum(idle), 3)}
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
