"""Presentation mode on a projector's screen, light and dark: assets/views/presentation_W_THEME.png.

    for s in 1024x768 1280x800; do
        xvfb-run -a -s "-screen 0 ${s}x24" python assets/make_presentation_screenshots.py
    done

One process per screen size (Xvfb's screen is the projector): the window opens on the
default text and the classroom preset (128 units, to train quickly), trains --seconds so
the plots show curves, writes a sample, then goes full screen (or, with --maximised, fills
the screen's available area) in presentation mode and is grabbed in each theme. The
sizes of the window and the plots are printed, to compare with the screen.
"""

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from screenshot_app import first_time_window, wait, wait_until

TEXT = "builtin:python"
HIDDEN = 128  # the classroom preset's size, smaller: curves within seconds on 2 cores


def train(window, seconds: float) -> None:
    window.model_panel.apply_preset("classroom")
    window.model_panel.hiddenSpin.setValue(HIDDEN)
    window.training_panel.train_button.click()
    wait(seconds)
    window.sampling_panel.sampleLengthSpin.setValue(600)
    window.sampling_panel.sampleButton.click()
    wait_until(lambda: not window.sampling.busy, 60)
    window.training_panel.train_button.click()  # pause: a stable picture
    wait_until(lambda: window.session.state != "running", 10)
    wait(1.0)
    print(f"trained {window.session.trainer.step_count} steps on {TEXT}", flush=True)


def report(window, screen) -> None:
    """What a reader checks against the screen: the window and the plots' sizes."""
    plot = window.loss_plot.plot
    print(f"screen {screen.width()}x{screen.height()}, window {window.frameGeometry().width()}x"
          f"{window.frameGeometry().height()} (needs at least {window.minimumSizeHint().height()} px high), "
          f"loss plot {plot.width()}x{plot.height()}, view {window.explain.currentWidget().width()}x"
          f"{window.explain.currentWidget().height()}, sample {window.sampling_panel.sampleOutput.width()}x"
          f"{window.sampling_panel.sampleOutput.height()}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=25, help="training time before the pictures")
    parser.add_argument("--out", default=str(Path(__file__).with_name("views")))
    parser.add_argument("--maximised", action="store_true", help="the available area, not full screen")
    parser.add_argument("--view", default="hidden state",
                        help="the 'Inside the network' view shown; 'all': each view in turn, "
                             "saved as presentation_W_THEME_VIEW.png")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app, window = first_time_window(TEXT)
    window.show()
    wait(1.0)
    train(window, args.seconds)
    screen = window.screen().geometry()
    window.view_modes.set_presentation(True)
    if args.maximised:
        window.setGeometry(window.screen().availableGeometry())  # Xvfb has no window manager to maximise
    else:
        window.view_modes.set_full_screen(True)
        window.setGeometry(screen)  # what a window manager does for full screen; Xvfb has none
    tabs = window.explain
    views = [tabs.tabText(i) for i in range(tabs.count())] if args.view == "all" else [args.view]
    for name in ("light", "dark"):
        window.view_modes.set_theme(name)
        for view in views:
            tabs.show_view_named(view)
            wait(1.5)  # restyled, fed, laid out, painted
            report(window, screen)
            suffix = "_" + view.lower().replace(" ", "_") if args.view == "all" else ""
            path = out / f"presentation_{screen.width()}_{name}{suffix}.png"
            window.grab().save(str(path))
            print(f"saved {path}", flush=True)
    window.session.dirty = False  # no "save changes?" prompt on the way out
    window.close()
    wait(0.5)
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
