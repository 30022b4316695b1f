"""The app under load: GUI smoothness, training speed vs headless, memory over a long run.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py --seconds 30
    xvfb-run -a -s "-screen 0 1280x800x24" python benchmarks/bench_gui.py --seconds 30
    python benchmarks/bench_gui.py --soak 1800        # 30 minutes, memory every minute
    python benchmarks/bench_gui.py --seconds 30 --tab Gradients   # another view on screen
    python benchmarks/bench_gui.py --seconds 30 --auto-sample 6 --why 40  # who caused stalls > 40 ms
    python benchmarks/bench_gui.py --seconds 30 --auto-sample 6 --pairs 5  # window vs CLI, in pairs

Smoothness: a 5 ms QTimer on the GUI thread records how late each tick fires while the
window trains at full speed with live plots, heatmap and (optionally) periodic sampling.
Speed: training characters per second inside the app, against the same Trainer run
headless (the CLI's loop) in this process, in short alternating turns, same threads; the
ratio is the median of the per-turn ratios (this machine's speed drifts by 2x within
minutes, so only side-by-side turns compare).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stall_watch import StallWatch  # noqa: E402

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pump(app: QApplication, seconds: float) -> None:
    """Run the Qt event loop for `seconds`, as app.exec() would (it sleeps between events;
    a polling loop would wake the GUI thread hundreds of times a second and steal the GIL)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class LatencyProbe:
    """A 5 ms timer; lateness = actual interval - 5 ms (accumulated over start/stop spans)."""

    def __init__(self, interval_ms: int = 5):
        self.interval = interval_ms
        self.late: list[float] = []
        self.at: list[float] = []  # perf_counter() of each tick
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.clock.start()
        self.timer.start(self.interval)

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        self.late.append(max(0.0, self.clock.restart() - self.interval))
        self.at.append(time.perf_counter())

    def ticks(self) -> list[tuple[float, float]]:
        """(when, how late in ms) of every tick, for stall_watch.StallWatch.explain."""
        return list(zip(self.at, self.late))

    def summary(self) -> dict:
        s = sorted(self.late)
        return {"ticks": len(s), "p50_ms": s[len(s) // 2], "p99_ms": s[int(len(s) * 0.99)],
                "max_ms": s[-1]}


class Headless:
    """The same config trained by a plain Trainer loop (what `rnnlab train` runs)."""

    def __init__(self, window):
        from rnnlab.core.train.thread_fit import fit_threads
        from rnnlab.core.train.trainer import Trainer

        t0 = window.session.trainer
        self.trainer = Trainer(t0.corpus, t0.model_config, t0.config)
        self.threads = fit_threads(t0.config.threads, self.trainer.device)  # as the CLI does
        self.trainer.run(self._on_event, max_steps=5)

    def _on_event(self, event) -> None:
        from rnnlab.core.train.events import StepEvent

        if self.threads is not None and isinstance(event, StepEvent):
            self.threads.after_step(self.trainer)

    def turn(self, seconds: float) -> float:
        t = self.trainer
        chars0, start = t.chars_seen, time.perf_counter()
        t.run(self._on_event, max_seconds=seconds)
        return (t.chars_seen - chars0) / (time.perf_counter() - start)


GUI_CPU: list[float] = []  # GUI thread CPU seconds per second, one entry per app turn
TRAIN_TIME_SPEED: list[float] = []  # chars per second inside step(), as the CLI and the status bar count


def app_turn(app, window, seconds: float, probe: LatencyProbe) -> float:
    """Train in the window for `seconds` (after a short warm-up); chars/s of that time.
    Also records the GUI thread's CPU share: steadier than speeds on a noisy machine."""
    trainer = window.session.trainer
    window.toggle_training()
    pump(app, 0.3)
    chars0, start, cpu0 = trainer.chars_seen, time.perf_counter(), time.thread_time()
    train0 = trainer.train_seconds
    probe.start()
    pump(app, seconds)
    probe.stop()
    elapsed = time.perf_counter() - start
    GUI_CPU.append((time.thread_time() - cpu0) / elapsed)
    speed = (trainer.chars_seen - chars0) / elapsed
    TRAIN_TIME_SPEED.append((trainer.chars_seen - chars0) / max(trainer.train_seconds - train0, 1e-9))
    window.toggle_training()  # pause
    pump(app, 0.3)
    return speed


def make_window(args):
    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings

    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")
    window = MainWindow(args.text)
    window.resize(1280, 800)
    window.training_panel.threads_spin.setValue(args.threads)
    # explicit either way: the app samples by itself by default, the bench only when asked
    window.sampling_panel.autoSampleCheck.setChecked(args.auto_sample > 0)
    if args.auto_sample:
        window.sampling_panel.autoSampleSpin.setValue(args.auto_sample)
    window.show()
    window._ensure_trainer()
    if args.tab:
        tabs = window.explain
        names = [tabs.tabText(i).lower() for i in range(tabs.count())]
        tabs.setCurrentIndex(names.index(args.tab.lower()))
        if args.tab.lower() == "neuron hunt":
            tabs.neuron_hunt.set_pattern("inside brackets")
    return window


def measure(app, args) -> dict:
    """Smoothness over one continuous span of training; then speed in short alternating
    turns (app, headless), so machine drift hits both alike."""
    window = make_window(args)
    speeds = {"app": [], "headless": []}
    probe, turns_probe = LatencyProbe(), LatencyProbe()
    try:
        pump(app, 1.0)
        watch = StallWatch() if args.why else None
        if watch:
            watch.start()
        first_span = app_turn(app, window, args.seconds, probe)
        if watch:
            watch.stop()
            watch.explain(probe.ticks(), threshold_ms=args.why)
        headless = Headless(window)
        for _ in range(args.rounds):
            turn = args.seconds / args.rounds
            speeds["app"].append(app_turn(app, window, turn, turns_probe))
            speeds["headless"].append(headless.turn(turn))
    finally:
        window.session.dirty = False
        window.close()
    inside, plain = statistics.median(speeds["app"]), statistics.median(speeds["headless"])
    ratios = sorted(a / h for a, h in zip(speeds["app"], speeds["headless"]))
    return {"text": window.session.trainer.corpus.name if window.session.trainer else args.text,
            "threads": args.threads, "platform": app.platformName(), "seconds": args.seconds,
            "rounds": args.rounds, "tab": args.tab or "Hidden state",
            "app_chars_per_s": inside, "headless_chars_per_s": plain,
            "first_span_chars_per_s": first_span,
            "first_span_train_chars_per_s": TRAIN_TIME_SPEED[0],
            "ratio": statistics.median(ratios), "ratio_iqr": [round(ratios[len(ratios) // 4], 3),
                                                              round(ratios[3 * len(ratios) // 4], 3)],
            "latency": probe.summary(),
            "latency_in_short_turns": turns_probe.summary(),
            "gui_thread_cpu_share": round(GUI_CPU[0], 3),
            "per_round_ratio": [round(a / h, 3) for a, h in zip(speeds["app"], speeds["headless"])]}


def cli_speed(text: str, seconds: float) -> float:
    """chars/s of the CLI at its defaults (what a user compares the window with), on the
    window's preset: for a budget of a minute or less the CLI's own default is `quick`."""
    out = Path(tempfile.mkdtemp()) / "cli.rnnlab"
    lines = subprocess.run([sys.executable, "-m", "rnnlab", "train", text, "--seconds", str(seconds), "--json",
                            "--preset", "classroom", "--out", str(out)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    return json.loads(lines[-1])["train_chars_per_s"]


def window_vs_cli(app, args) -> dict:
    """What a user compares: the chars/s the window's status bar shows (training time) against
    the CLI's at its defaults, in pairs run one after the other (the machine drifts)."""
    window = make_window(args)
    trainer, pairs, probe = window.session.trainer, [], LatencyProbe()
    try:
        pump(app, 1.0)
        for _ in range(args.pairs):
            chars0, train0 = trainer.chars_seen, trainer.train_seconds
            app_turn(app, window, args.seconds, probe)
            shown = (trainer.chars_seen - chars0) / max(trainer.train_seconds - train0, 1e-9)
            pairs.append((shown, cli_speed(args.text, args.seconds)))
            print(json.dumps({"window": round(pairs[-1][0]), "cli": round(pairs[-1][1])}), flush=True)
    finally:
        window.session.dirty = False
        window.close()
    ratios = sorted(w / c for w, c in pairs)
    return {"text": args.text, "seconds": args.seconds, "auto_sample": args.auto_sample, "pairs": len(pairs),
            "window_chars_per_s": statistics.median(w for w, _ in pairs),
            "cli_chars_per_s": statistics.median(c for _, c in pairs),
            "ratio_median": statistics.median(ratios), "ratios": [round(r, 3) for r in ratios],
            "latency": probe.summary()}


def soak(app, args) -> dict:
    window = make_window(args)
    window.toggle_training()
    samples, start, lateness = [], time.monotonic(), []
    while time.monotonic() - start < args.soak:
        probe = LatencyProbe()  # the GUI thread's responsiveness, minute by minute
        probe.start()
        pump(app, 60.0)
        probe.stop()
        late = probe.summary()
        lateness.append((late["p99_ms"], late["max_ms"]))
        samples.append((round(time.monotonic() - start), round(rss_mb(), 1),
                        window.session.trainer.step_count))
        print(json.dumps({"minute": len(samples), "rss_mb": samples[-1][1], "step": samples[-1][2],
                          "late_p99_ms": late["p99_ms"], "late_max_ms": late["max_ms"],
                          "samples_text_chars": len(window.sampling_panel.text())}), flush=True)
    window.session.dirty = False
    window.close()
    warm = samples[min(2, len(samples) - 1)][1]  # after two minutes of warm-up
    return {"soak_seconds": args.soak, "rss_mb": samples, "growth_after_warmup_mb":
            samples[-1][1] - warm, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "late_p99_ms_worst_minute": max(p for p, _ in lateness),
            "late_max_ms_worst_minute": max(m for _, m in lateness)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--text", default=str(SHAKESPEARE) if SHAKESPEARE.is_file() else "builtin:python")
    p.add_argument("--seconds", type=float, default=30, help="training time in the app (and headless)")
    p.add_argument("--rounds", type=int, default=20,
                   help="alternating turns of each (short turns pair up better on a machine whose speed drifts)")
    p.add_argument("--threads", type=int, default=0,
                   help="0 (the app's and the CLI's default): measured while training")
    p.add_argument("--auto-sample", type=int, default=0, metavar="S",
                   help="a sample every S seconds of training, as the Sampling panel's 'Sample every' "
                        "(the app's default is 6; 0: none)")
    p.add_argument("--why", type=float, default=0, metavar="MS",
                   help="print what every thread was doing during the first span's stalls over MS ms")
    p.add_argument("--cli", action="store_true",
                   help="also time `rnnlab train TEXT --seconds S` at its defaults, after the window's run")
    p.add_argument("--pairs", type=int, default=0, metavar="N",
                   help="instead: N pairs of (the window trains --seconds, then `rnnlab train` at its "
                        "defaults for as long), each pair's ratio of the chars/s both report")
    p.add_argument("--soak", type=float, default=0, help="seconds of the memory soak instead")
    p.add_argument("--tab", default="", help="the 'inside the network' tab shown, e.g. Gradients, "
                                             "'Neuron hunt', 'Next char', Gates (default: Hidden state)")
    args = p.parse_args()
    app = QApplication(sys.argv[:1])
    result = soak(app, args) if args.soak else window_vs_cli(app, args) if args.pairs else measure(app, args)
    if args.cli and not args.soak and not args.pairs:
        result["cli_chars_per_s"] = cli_speed(args.text, args.seconds)
        # The CLI's figure counts training time (validation excluded), as the window's status bar does.
        result["first_span_over_cli"] = result["first_span_train_chars_per_s"] / result["cli_chars_per_s"]
        result["first_span_wall_over_cli"] = result["first_span_chars_per_s"] / result["cli_chars_per_s"]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
