"""How soon the splash and the window are on screen, watched from outside the app.

    xvfb-run -a -s "-screen 0 1280x800x24" python assets/time_startup.py [--runs 5] [--command ...]

Starts `python -m rnnlab` (a first-time user: settings in a new temporary file) and grabs
the screen every ~20 ms: "splash" is the first grab that shows the splash's icon painted in
the middle of the screen (a mapped but unpainted window is black, and does not count),
"window" the first grab where the window's menu bar is painted. Times are from the start of
the process; each run is killed once the window is up.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QImage


def icon_colours() -> set[tuple[int, int, int]]:
    """The colours of the splash's icon, coarsely (for a match that survives scaling)."""
    from rnnlab import resources

    image = QImage()
    image.loadFromData(resources.icon_bytes(), "PNG")
    image = image.scaled(160, 160)
    return {_coarse(image.pixelColor(x, y)) for x in range(0, 160, 4) for y in range(0, 100, 4)}


def _coarse(colour: QColor) -> tuple[int, int, int]:
    return colour.red() // 16, colour.green() // 16, colour.blue() // 16


def splash_painted(image: QImage, colours: set) -> bool:
    """Most of the screen's centre (where the splash opens) in the icon's colours, not black."""
    cx, cy = image.width() // 2, image.height() // 2
    samples = [image.pixelColor(cx + dx, cy + dy) for dx in range(-60, 61, 12) for dy in range(-70, -10, 12)]
    hits = sum(_coarse(c) in colours and c.lightness() > 20 for c in samples)
    return hits >= 0.8 * len(samples)


def window_painted(image: QImage) -> bool:
    """The top rows (menu bar and toolbar, at the window's top-left corner) light and even."""
    samples = [image.pixelColor(x, y) for x in range(300, 700, 20) for y in (3, 20)]
    return sum(c.lightness() > 150 for c in samples) >= 0.9 * len(samples)


def one_run(command: list[str], colours: set, timeout: float) -> tuple[float | None, float | None]:
    screen = QGuiApplication.primaryScreen()
    env = dict(os.environ, RNNLAB_SETTINGS_FILE=str(Path(tempfile.mkdtemp()) / "settings.ini"))
    start = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    splash = window = None
    try:
        while time.monotonic() - start < timeout and window is None:
            image = screen.grabWindow(0).toImage()
            now = time.monotonic() - start
            if splash is None and splash_painted(image, colours):
                splash = now
            if window_painted(image):
                window = now
            time.sleep(0.02)
    finally:
        child.kill()
        child.wait()
    return splash, window


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--command", nargs="+", default=[sys.executable, "-m", "rnnlab"])
    args = parser.parse_args()
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - grabs need it
    colours = icon_colours()
    for run in range(args.runs):
        splash, window = one_run(args.command, colours, args.timeout)
        shown = lambda t: "never" if t is None else f"{t:.2f} s"  # noqa: E731
        print(f"run {run + 1}: splash {shown(splash)}, window {shown(window)}", flush=True)
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
