"""Race mode: is the CPU shared without loss, and does the race window stay smooth?

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_race.py --seconds 60 --threads 1

Throughput: each contender's characters per second inside the race, as a share of what it
trains alone, summed over the contenders: 1.0 means the race loses nothing to taking
turns (3 contenders each at 1/3 of their solo speed). Target >= 0.9. Measured twice:
headless (core Race) and in the app's race window (worker thread, live plot, standings).
The machine's speed drifts, so race turns and solo turns alternate in short rounds and the
median of the per-round shares is reported.

Smoothness: a 5 ms QTimer on the GUI thread during one continuous span of the race in
the window (same budget as the main window: late <= 30 ms at p99, <= 100 ms at worst).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_gui import SHAKESPEARE, LatencyProbe, pump
from PySide6.QtWidgets import QApplication

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.train.device import set_threads
from rnnlab.core.train.presets import get_preset
from rnnlab.core.train.race import DEFAULT_CELLS, Race, make_contenders
from rnnlab.core.train.trainer import Trainer


def solo_rates(solos: list[Trainer], seconds: float) -> list[float]:
    """Each contender alone for `seconds` of wall time: chars/s."""
    rates = []
    for t in solos:
        chars0, start = t.chars_seen, time.perf_counter()
        t.run(lambda e: None, max_seconds=seconds)
        rates.append((t.chars_seen - chars0) / (time.perf_counter() - start))
    return rates


def share(chars: list[int], wall: float, solo: list[float]) -> float:
    """Sum over contenders of (its chars/s in the race) / (its chars/s alone)."""
    return sum(c / wall / s for c, s in zip(chars, solo))


def headless(race: Race, solos: list[Trainer], rounds: int, turn: float) -> list[float]:
    shares = []
    for _ in range(rounds):
        chars0 = [t.chars_seen for t in race.trainers]
        start, seconds0 = time.perf_counter(), race.train_seconds
        race.run(lambda i, e: None, max_seconds=seconds0 + turn)
        wall = time.perf_counter() - start
        chars = [t.chars_seen - c for t, c in zip(race.trainers, chars0)]
        shares.append(share(chars, wall, solo_rates(solos, turn / len(solos))))
    return shares


def in_window(app, args, solos: list[Trainer], cells) -> dict:
    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings

    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")
    window = MainWindow(args.text)
    window.resize(1280, 800)
    window.training_panel.threads_spin.setValue(args.threads)
    window.show()
    window.open_race()
    rw = window.race_window
    rw.resize(1100, 760)
    rw.controls.seconds_spin.setValue(3600)
    if args.eval_seconds:
        rw.eval_seconds = args.eval_seconds
    for cell, check in rw.controls.cell_checks.items():
        check.setChecked(cell in cells)
    probe, shares = LatencyProbe(), []
    try:
        rw.start()
        pump(app, 2.0)  # warm-up
        probe.start()
        start, cpu0 = time.perf_counter(), time.thread_time()
        pump(app, args.seconds)
        gui_cpu = (time.thread_time() - cpu0) / (time.perf_counter() - start)
        probe.stop()
        turn = args.seconds / args.rounds
        for _ in range(args.rounds):
            rw.toggle()  # pause: solo turns
            pump(app, 0.3)
            solo = solo_rates(solos, turn / len(solos))
            set_threads(args.threads)
            rw.toggle()
            pump(app, 0.3)
            chars0 = [t.chars_seen for t in rw.race.trainers]
            start = time.perf_counter()
            pump(app, turn)
            wall = time.perf_counter() - start
            shares.append(share([t.chars_seen - c for t, c in zip(rw.race.trainers, chars0)], wall, solo))
        labels = rw.race.labels
    finally:
        rw.stop()
        window.close()
    return {"latency": probe.summary(), "shares": shares, "labels": labels, "gui_cpu": gui_cpu}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--text", default=str(SHAKESPEARE) if SHAKESPEARE.is_file() else "builtin:python")
    p.add_argument("--cells", default=",".join(DEFAULT_CELLS))
    p.add_argument("--seconds", type=float, default=60, help="race time measured, each part")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--skip-window", action="store_true")
    p.add_argument("--skip-headless", action="store_true")
    p.add_argument("--eval-seconds", type=float, default=0,
                   help="the window's validation interval per contender (default: the app's)")
    args = p.parse_args()
    set_threads(args.threads)
    cells = args.cells.split(",")
    preset = get_preset("classroom")
    corpus = load_corpus(args.text)
    train = replace(preset.train_config(threads=args.threads), eval_every=0)
    contenders = make_contenders([(c, None, None) for c in cells], preset.model_config(len(corpus.vocab)), train)
    solos = [Trainer(corpus, c.model, c.train) for c in contenders]
    for t in solos:
        t.run(lambda e: None, max_steps=3)  # warm-up
    race = Race(corpus, contenders)
    race.run(lambda i, e: None, max_steps=3)
    result = {"text": corpus.name, "threads": args.threads, "contenders": race.labels,
              "rounds": args.rounds, "seconds": args.seconds}
    if not args.skip_headless:
        shares = headless(race, solos, args.rounds, args.seconds / args.rounds)
        result["headless_share"] = statistics.median(shares)
        result["headless_per_round"] = [round(s, 3) for s in shares]
    if not args.skip_window:
        app = QApplication(sys.argv[:1])
        window = in_window(app, args, solos, cells)
        result["window_share"] = statistics.median(window["shares"])
        result["window_per_round"] = [round(s, 3) for s in window["shares"]]
        result["window_latency"] = window["latency"]
        result["window_gui_thread_cpu"] = round(window["gui_cpu"], 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
