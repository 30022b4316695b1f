"""Why the window trains slower than the CLI: one Trainer stepped on the main thread, then on
a second Python thread (as the window's training QThread), then on the main thread again
(run by hand, alone).

    python benchmarks/bench_thread_teams.py                 # classroom preset, 4 s a turn
    python benchmarks/bench_thread_teams.py --precision fp32 --no-main-first

--no-main-first skips the first main-thread turn, so the second thread is the first to run
torch's parallel work (one OpenMP team instead of two).

    python benchmarks/bench_thread_teams.py --main-threads 1 --side-team 2   # then 1

--side-team N instead: a training thread alone, then beside a third thread (as the window's
sampling thread) that ran one parallel op with N torch threads and stays alive.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import torch

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.train.presets import PRESETS
from rnnlab.core.train.trainer import Trainer

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text", default=str(SHAKESPEARE) if SHAKESPEARE.is_file() else "builtin:python")
    p.add_argument("--preset", default="classroom")
    p.add_argument("--precision", default="auto")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=4)
    p.add_argument("--no-main-first", action="store_true")
    p.add_argument("--main-threads", type=int, default=0,
                   help="torch threads of the main thread alone (as a GUI thread might keep), set first")
    p.add_argument("--side-team", type=int, default=0, metavar="N",
                   help="then a long-lived side thread that once ran torch's parallel work with N threads")
    args = p.parse_args()
    if args.main_threads:
        torch.set_num_threads(args.main_threads)
    corpus = load_corpus(args.text)
    preset = PRESETS[args.preset]
    trainer = Trainer(corpus, preset.model_config(len(corpus.vocab)),
                      preset.train_config(eval_every=0, threads=args.main_threads or args.threads,
                                          precision=args.precision))

    def turn(where: str) -> None:
        trainer.run(lambda e: None, max_steps=3)
        chars0, start = trainer.chars_seen, time.perf_counter()
        trainer.run(lambda e: None, max_seconds=args.seconds)
        speed = (trainer.chars_seen - chars0) / (time.perf_counter() - start)
        print(f"{where:28} {speed:9,.0f} chars/s  {torch.get_num_threads()} threads  {trainer.precision}",
              flush=True)

    def on_thread(label: str, set_threads: bool) -> None:
        def body():
            if set_threads:
                torch.set_num_threads(args.threads)
            turn(label)
        worker = threading.Thread(target=body)
        worker.start()
        worker.join()

    if args.side_team:  # as in the window: main thread at --main-threads, training on a thread
        on_thread("training thread alone", True)
        ran, release = threading.Event(), threading.Event()

        def side():
            torch.set_num_threads(args.side_team)
            torch.randn(4_000_000).mul_(2)  # big enough to run in parallel: a team of its own
            ran.set()
            release.wait()

        side_thread = threading.Thread(target=side)
        side_thread.start()
        ran.wait()
        on_thread(f"thread beside a {args.side_team}-team", True)
        release.set()
        side_thread.join()
        return
    if not args.no_main_first:
        turn("main thread")
    on_thread("second thread", False)
    on_thread("second thread, sets threads", True)
    turn("main thread again")


if __name__ == "__main__":
    main()
