"""Open a big text in the window and measure how live the window stays while it loads.

    xvfb-run -a -s "-screen 0 1280x800x24" python benchmarks/big_text_load.py --mb 100
    QT_QPA_PLATFORM=offscreen python benchmarks/big_text_load.py --mb 100 --unicode

Writes tiny-shakespeare repeated to --mb megabytes (with --unicode: accented letters, so
the text is not ASCII) into a temporary folder, opens it with the Text panel's open_path,
and runs a 5 ms timer on the GUI thread from then until 1 s after the text is in use.
Reports how long open_path took, the load's total time, and the timer's lateness (p99 and
max): the window's budget is 30 / 100 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gui import SHAKESPEARE, LatencyProbe, pump  # noqa: E402
from stall_watch import StallWatch  # noqa: E402

ACCENTS = str.maketrans("aeiou", "áéîöù")


def write_text(folder: Path, mb: float, unicode: bool) -> Path:
    base = SHAKESPEARE.read_text(encoding="utf-8")
    if unicode:
        base = base.translate(ACCENTS)
    data = base.encode("utf-8")
    path = folder / "big.txt"
    with open(path, "wb") as f:
        for _ in range(max(1, round(mb * 2**20 / len(data)))):
            f.write(data)
    return path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mb", type=float, default=100)
    p.add_argument("--unicode", action="store_true", help="accented letters: not an ASCII text")
    p.add_argument("--rounds", type=int, default=3, help="loads, one after another")
    p.add_argument("--why", type=float, default=0, metavar="MS",
                   help="print what every thread was doing during stalls over MS ms")
    args = p.parse_args()
    app = QApplication(sys.argv[:1])
    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings

    folder = Path(tempfile.mkdtemp())
    settings.use_settings_file(folder / "settings.ini")
    path = write_text(folder, args.mb, args.unicode)
    window = MainWindow("builtin:hello")
    window.resize(1280, 800)
    window.show()
    pump(app, 1.0)
    results = []
    for _ in range(args.rounds):
        window.data_panel.load_source("builtin:hello")  # back to a small text between rounds
        pump(app, 0.5)
        probe, watch = LatencyProbe(), StallWatch() if args.why else None
        if watch:
            watch.start()
        probe.start()
        start = time.perf_counter()
        window.data_panel.open_path(str(path))
        returned = time.perf_counter() - start
        while window.data_panel.is_loading() and time.perf_counter() - start < 120:
            pump(app, 0.05)
        loaded = time.perf_counter() - start
        pump(app, 1.0)
        probe.stop()
        if watch:
            watch.stop()
            watch.explain(probe.ticks(), threshold_ms=args.why)
        late = probe.summary()
        corpus = window.data_panel.corpus()
        results.append({"open_path_ms": round(returned * 1000, 1), "loaded_s": round(loaded, 2),
                        "late_p99_ms": late["p99_ms"], "late_max_ms": late["max_ms"],
                        "chars": corpus.n_chars if corpus is not None else None})
        print(json.dumps(results[-1]), flush=True)
    window.close()
    size_mb = path.stat().st_size / 2**20
    path.unlink()
    print(json.dumps({"mb": round(size_mb, 1),
                      "unicode": args.unicode, "platform": app.platformName(),
                      "worst_p99_ms": max(r["late_p99_ms"] for r in results),
                      "worst_max_ms": max(r["late_max_ms"] for r in results)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
