"""How soon a model is worth looking at: seconds until validation falls below 2.0 nats/char
and below the 5-gram baseline, in the CLI and in the window (run by hand, alone).

    python benchmarks/bench_threshold.py                    # the app's default text, and tiny-shakespeare
    python benchmarks/bench_threshold.py --text FILE --seconds 180 --preset big

    CLI     `rnnlab train TEXT --preset P --seconds S --eval-every K --json` in a fresh
            process; the time of each eval line since the first step line (wall seconds,
            validation passes included; each scores the whole validation split)
    window  the main window offscreen on the same text and preset, Start clicked, budget
            "until stopped"; the time of each validation pass since Start (the window scores
            the last 30,000 validation characters every 200 steps, as it always does)

The 5-gram baseline is `rnnlab ngram TEXT --order 5` on the same split (the whole of it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"
TARGET = 2.0


def first_below(points: list[tuple[float, float]], level: float) -> float | None:
    """The time of the first (seconds, val) with val < level, or None."""
    return next((t for t, v in points if v < level), None)


def cli_curve(text: str, preset: str, seconds: float, eval_every: int) -> list[tuple[float, float]]:
    argv = [sys.executable, "-m", "rnnlab", "train", text, "--preset", preset, "--seconds", str(seconds),
            "--eval-every", str(eval_every), "--json", "--out", str(Path(tempfile.mkdtemp()) / "t.rnnlab")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1)
    start, points = None, []
    for line in proc.stdout:
        event = json.loads(line)
        if event.get("event") == "step" and start is None:
            start = time.perf_counter()
        elif event.get("event") == "eval" and start is not None:
            points.append((time.perf_counter() - start, event["val_loss"]))
    proc.wait()
    return points


def window_curve(text: str, preset: str, seconds: float) -> list[tuple[float, float]]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings

    app = QApplication.instance() or QApplication(sys.argv)
    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")
    window = MainWindow(text)
    window.resize(1280, 800)
    combo = window.model_panel.presetCombo
    combo.setCurrentIndex(combo.findData(preset))
    window.show()
    points: list[tuple[float, float]] = []
    start = time.perf_counter()
    window.session.evaluated.connect(lambda e: points.append((time.perf_counter() - start, e.val_loss)))
    loop = QEventLoop()
    QTimer.singleShot(1000, loop.quit)  # the text loads and the baseline is computed first
    loop.exec()
    start = time.perf_counter()
    window.toggle_training()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    window.stop_training()
    window.session.dirty = False
    window.close()
    app.processEvents()
    return [(t, v) for t, v in points if t >= 0]


def baseline(text: str) -> float:
    out = subprocess.run([sys.executable, "-m", "rnnlab", "ngram", text, "--order", "5", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["val_loss"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text", action="append", help="default: the app's default text and tiny-shakespeare")
    p.add_argument("--preset", default="classroom")
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--eval-every", type=int, default=50)
    args = p.parse_args()
    texts = args.text or ["builtin:python", str(SHAKESPEARE)]
    rows = []
    for text in texts:
        five = baseline(text)
        for where, curve in (("CLI", cli_curve(text, args.preset, args.seconds, args.eval_every)),
                             ("window", window_curve(text, args.preset, args.seconds))):
            row = {"text": Path(text).name, "where": where, "preset": args.preset, "five_gram": five,
                   "below_2": first_below(curve, TARGET), "below_5gram": first_below(curve, five),
                   "last_val": curve[-1][1] if curve else None, "evals": len(curve)}
            rows.append(row)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
