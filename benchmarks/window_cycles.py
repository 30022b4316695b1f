"""Open the window, train, sample, close — many times in one process: no crash, no thread
left running, no Qt warning, and memory that does not climb.

    QT_QPA_PLATFORM=offscreen python benchmarks/window_cycles.py --cycles 100 [--json]

Each cycle: MainWindow on builtin:hello (tiny preset) -> Start -> >= 5 steps -> Generate
-> >= 20 characters -> close while both still run (the unsaved-progress prompt answers
"discard"). Afterwards every QThread the window made must have ended, no Python thread may
be left over, and Qt must not have printed a warning.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

IGNORED = ("This plugin does not support",)  # offscreen platform notes, not warnings of ours


def pump(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        pump(0.02)
    return condition()


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def one_cycle(MainWindow) -> list[str]:
    problems = []
    window = MainWindow("builtin:hello")
    window.model_panel.apply_preset("tiny")
    window.show()
    window.toggle_training()
    if not wait_until(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 5, 30):
        problems.append("training did not reach 5 steps")
    window.toggle_sampling()
    if not wait_until(lambda: len(window.sampling_panel.text()) >= 20, 30):
        problems.append("sampling wrote nothing")
    threads = [t for t in (window.session.thread, window.sampling.thread) if t is not None]
    window.close()  # mid-training and mid-sampling
    pump(0.05)
    problems += [f"thread {t.objectName()} still running" for t in threads if t.isRunning()]
    window.deleteLater()
    pump(0.05)
    return problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cycles", type=int, default=100)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    warnings: list[str] = []

    def on_message(kind, context, message):
        if kind != QtMsgType.QtDebugMsg and not message.startswith(IGNORED):
            warnings.append(message)

    qInstallMessageHandler(on_message)
    app = QApplication(sys.argv[:1])
    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings
    from rnnlab.gui.look.prompts import Prompts

    class Discard(Prompts):
        def ask_save_changes(self, parent):
            return "discard"

    MainWindow.prompts = Discard()
    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")
    python_threads = threading.active_count()
    problems, memory, started = [], [], time.perf_counter()
    for k in range(args.cycles):
        problems += [f"cycle {k}: {p}" for p in one_cycle(MainWindow)]
        memory.append(round(rss_mb(), 1))
    pump(0.5)
    leftover = [t.name for t in threading.enumerate()][python_threads:]
    result = {"cycles": args.cycles, "seconds": round(time.perf_counter() - started, 1),
              "problems": problems[:20], "qt_warnings": warnings[:20], "leftover_python_threads": leftover,
              "rss_mb_first_last": [memory[0], memory[-1]] if memory else [],
              "rss_mb_after_10": memory[min(9, len(memory) - 1)] if memory else None}
    print(json.dumps(result, indent=None if args.json else 1))
    app.quit()
    return 1 if problems or warnings or leftover else 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
