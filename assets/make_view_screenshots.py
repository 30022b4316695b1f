"""Launch the real app, train, and save one picture per "inside the network" view in assets/views/.

    xvfb-run -a -s "-screen 0 1280x800x24" python assets/make_view_screenshots.py [--seconds 25]

Each PNG is the whole window with one tab of "Inside the network" shown:
hidden_state, gates, gradients, neuron_hunt, next_char and temperature come from one LSTM
(the classroom preset, 64 units a layer to keep it quick) trained on builtin:brackets;
step_through comes from the micro preset (1x16 LSTM) trained on builtin:hello.
(On a desktop, run it without xvfb-run to watch it happen.)
"""

import argparse
import sys
import traceback
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QScrollArea
from screenshot_app import first_time_window, wait, wait_until

CORPUS = "builtin:brackets"
HIDDEN = 64  # units per layer of the classroom preset's 2-layer LSTM (128 is slower to train)
PATTERN = "inside brackets"


def show(window, view) -> None:
    """Open the tab holding `view`, as a click on the tab would."""
    window.explain.show_view(view)


def scroll_tab(window, target) -> None:
    """Scroll the open tab (when it is a scroll area) as a user would: to the top of the
    widget `target`, to the bottom for "bottom", or not at all for None."""
    area = window.explain.currentWidget()
    if target is None or not isinstance(area, QScrollArea):
        return
    bar = area.verticalScrollBar()
    if target == "bottom":
        bar.setValue(bar.maximum())
    else:
        bar.setValue(max(0, target.mapTo(area.widget(), QPoint(0, 0)).y() - 4))


def grab(window, view, path: Path, settle: float = 1.0, scroll=None) -> None:
    show(window, view)
    wait(settle)  # the tab is fed the latest probe, lays out and paints
    scroll_tab(window, scroll)
    wait(0.3)
    window.grab().save(str(path))
    print(f"saved {path}", flush=True)


def set_budget(window, kind: str, value: int = 0) -> None:
    panel = window.training_panel
    panel.budget_combo.setCurrentIndex(panel.budget_combo.findData(kind))
    if value:
        panel.budget_spin.setValue(value)


def pause(window) -> None:
    if window.session.is_running():
        window.training_panel.train_button.click()
    wait_until(lambda: window.session.state != "running", 10)
    wait(0.5)  # the last metrics and probes arrive


def best_hunt_layer(hunt, layers: int) -> None:
    """Show the layer whose best unit follows the pattern most closely."""
    best, best_r = 0, -1.0
    for k in range(layers):
        hunt.layer_combo.setCurrentIndex(k)
        wait_until(lambda: not hunt.matching() and hunt.ranking(), 10)
        r = abs(hunt.ranking()[0][1]) if hunt.ranking() else 0.0
        if r > best_r:
            best, best_r = k, r
    hunt.layer_combo.setCurrentIndex(best)
    wait(0.2)


def make_room(window, keep_panels: bool) -> None:
    """Drag the splitters as a user would, so that the views have room: the loss plot and
    the sampling panel as small as they go (or, without keep_panels, folded away)."""
    center, main = window.center_splitter, window.main_splitter
    loss = center.widget(0).minimumSizeHint().height() if keep_panels else 0  # 0 folds it away
    center.setSizes([loss, sum(center.sizes()) - loss])
    sides = main.sizes()
    sampling = main.widget(2).minimumSizeHint().width() if keep_panels else 0
    main.setSizes([sides[0], sum(sides) - sides[0] - sampling, sampling])
    wait(0.2)
    print(f"splitters: {main.sizes()} / {center.sizes()}", flush=True)


def hesitant_position(probs) -> int:
    """A character in the middle third of the text after which the network hesitates
    between two guesses (the largest second-best probability): two tall bars, not one."""
    p = np.asarray(probs, dtype=np.float64)
    n = len(p)
    lo, hi = n // 3, max(n // 3 + 1, 2 * n // 3)
    second = np.sort(p[lo:hi], axis=1)[:, -2]
    return lo + int(np.argmax(second))


def bracket_views(window, out: Path, seconds: float) -> None:
    explain = window.explain
    window.model_panel.apply_preset("classroom")
    window.model_panel.hiddenSpin.setValue(HIDDEN)
    set_budget(window, "none")
    # The gradient flow is only computed while its tab is shown: show it at the start (its
    # dashed "at start" curves) and again at the end (the trained model's curves).
    show(window, explain.gradients)
    window.training_panel.train_button.click()
    wait(0.2 * seconds)
    show(window, explain.heatmap)
    wait(0.6 * seconds)
    show(window, explain.gradients)
    wait(0.2 * seconds)
    pause(window)
    print(f"trained {window.session.trainer.step_count} steps on {CORPUS}", flush=True)

    hunt = explain.neuron_hunt
    show(window, hunt)
    hunt.set_pattern(PATTERN)
    wait_until(lambda: not hunt.matching() and hunt.ranking(), 20)
    best_hunt_layer(hunt, window.session.trainer.model_config.layers)
    ranking = hunt.ranking()
    unit = ranking[0][0] if ranking else None
    if unit is not None:
        hunt.select_unit(unit)
        # the hidden-state view follows the same unit in the same layer
        window.heatmap.layer_combo.setCurrentIndex(hunt.layer_combo.currentIndex())
    grab(window, explain.gradients, out / "gradients.png", settle=2.0,
         scroll=explain.gradients.flow_plot)
    grab(window, explain.gates, out / "gates.png", scroll=explain.gates.plots)
    grab(window, hunt, out / "neuron_hunt.png", scroll=hunt.status_label)
    show(window, window.heatmap)
    wait(0.3)
    if unit is not None:
        window.heatmap.select_unit(unit)
    grab(window, window.heatmap, out / "hidden_state.png", scroll="bottom")

    next_char = explain.next_char
    show(window, next_char)
    wait(0.3)
    result, _vocab = next_char.probe()
    if result is not None:
        next_char.select_position(hesitant_position(result.probs))
    grab(window, next_char, out / "next_char.png", scroll=next_char.text_view)

    temperature = explain.temperature
    show(window, temperature)
    temperature.length_spin.setValue(200)
    if temperature.generate():
        wait_until(lambda: not temperature.is_running(), 60)
    grab(window, temperature, out / "temperature.png")


def step_through_view(window, out: Path, seconds: float) -> None:
    window.session.dirty = False  # Reset without the "save changes?" prompt
    window.reset_model()
    window.model_panel.apply_preset("micro")  # 1x16 LSTM; loads builtin:hello
    wait(0.3)
    set_budget(window, "steps", 400)
    window.training_panel.train_button.click()
    wait(0.5)
    wait_until(lambda: window.session.state != "running", seconds)
    pause(window)
    print(f"trained {window.session.trainer.step_count} steps on "
          f"{window.session.trainer.corpus.name}", flush=True)
    panel = window.explain.step_through
    show(window, panel)
    wait(0.3)
    panel.reset()
    for _ in range(3):
        panel.next_char()
    grab(window, panel, out / "step_through.png", scroll="bottom")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=25, help="training time on the brackets")
    parser.add_argument("--step-seconds", type=float, default=10,
                        help="longest training time for the step-through model (400 steps)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("views")))
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--presentation", action="store_true", help="View > Presentation mode")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system", help="View > Theme")
    parser.add_argument("--fold-panels", action="store_true",
                        help="fold the loss plot and the sampling panel away (more room for the views; "
                             "by default they stay on screen, as small as they go)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app, window = first_time_window(CORPUS)
    width, height = map(int, args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.view_modes.set_theme(args.theme)
    window.view_modes.set_presentation(args.presentation)
    wait(1.0)
    code = 0
    try:
        make_room(window, keep_panels=not args.fold_panels)
        bracket_views(window, out, args.seconds)
        step_through_view(window, out, args.step_seconds)
    except Exception:  # noqa: BLE001 - still close the window and end its threads
        traceback.print_exc()
        code = 1
    window.session.dirty = False  # no "save changes?" prompt on the way out
    window.close()  # ends the training and sampling threads
    wait(0.5)
    sys.stdout.flush()
    QTimer.singleShot(0, app.quit)
    return code


if __name__ == "__main__":
    sys.exit(main())
