"""Launch the real app, run a race, and save the race window as assets/views/race.png.

    xvfb-run -a -s "-screen 0 1280x800x24" python assets/make_race_screenshot.py [--seconds 60]

The default race (vanilla RNN, LSTM, GRU at the classroom LSTM's size) on the default
text, then a sample from each contender.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from make_view_screenshots import wait, wait_until
from PySide6.QtWidgets import QApplication


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="length of the race")
    parser.add_argument("--text", default="builtin:python")
    parser.add_argument("--out", default=str(Path(__file__).with_name("views") / "race.png"))
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    from rnnlab.gui import MainWindow
    from rnnlab.gui.look import settings

    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")  # a first-time user
    window = MainWindow(args.text)
    window.show()
    wait_until(lambda: window.loss_plot.baseline() is not None, 60)
    window.open_race()
    race = window.race_window
    race.resize(1100, 760)
    race.controls.seconds_spin.setValue(args.seconds)
    race.start()
    wait(1.0)
    wait_until(lambda: not race.is_racing(), args.seconds * 4 + 60)
    race.length_spin.setValue(300)
    race.generate()
    wait_until(lambda: not race.columns.is_running(), 60)
    wait(0.5)
    race.grab().save(args.out)
    print(f"saved {args.out}", flush=True)
    window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
