"""Launch the real app, train ~20 s, sample, and save assets/screenshot.png.

    xvfb-run -a -s "-screen 0 1280x800x24" python assets/make_screenshot.py [--text T] [--seconds 20]

With --presentation and --theme dark (View menu), the picture of presentation mode:

    xvfb-run -a -s "-screen 0 1280x800x24" python assets/make_screenshot.py --presentation \
        --theme dark --out assets/views/presentation_dark.png

(On a desktop, run it without xvfb-run to watch it happen.)
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", default="builtin:python")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--out", default=str(Path(__file__).with_name("screenshot.png")))
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--presentation", action="store_true", help="View > Presentation mode")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system", help="View > Theme")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    from rnnlab.gui import MainWindow
    from rnnlab.gui.app import app_icon
    from rnnlab.gui.look import settings

    settings.use_settings_file(Path(tempfile.mkdtemp()) / "settings.ini")  # a first-time user
    app.setWindowIcon(app_icon())
    window = MainWindow(args.text)
    width, height = map(int, args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.view_modes.set_theme(args.theme)
    window.view_modes.set_presentation(args.presentation)
    wait(app, 1.0)
    window.training_panel.train_button.click()
    wait(app, args.seconds)
    window.sampling_panel.sampleLengthSpin.setValue(400)
    window.sampling_panel.sampleButton.click()
    while window.sampling.busy:
        wait(app, 0.1)
    wait(app, 1.0)
    window.training_panel.train_button.click()  # pause, so the picture is stable
    wait(app, 1.0)
    window.grab().save(args.out)
    print(f"saved {args.out} at step {window.session.trainer.step_count}")
    window.session.dirty = False  # no "save changes?" prompt on the way out
    window.close()
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
