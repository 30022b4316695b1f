"""View menu: presentation mode, full screen, light and dark themes (theme.py, presentation.py)."""

import gc

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.core.analysis.memorisation import MemorisationReport
from rnnlab.gui import MainWindow
from rnnlab.gui.explain.gradients_panel import GradientsPanel
from rnnlab.gui.look import colors, look, settings, theme
from rnnlab.gui.look.prompts import Prompts
from rnnlab.gui.plots.loss_plot import LossPlotPanel
from rnnlab.gui.window.menus import FULL_SCREEN, key_sequences, presentation_key


class Answers(Prompts):
    def ask_save_changes(self, parent):
        return "discard"


@pytest.fixture(autouse=True)
def normal_look():
    """Every test starts and ends in the system theme, presentation mode off."""
    theme.reset()
    yield
    theme.reset()


def _window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, "prompts", Answers())
    win = MainWindow("builtin:hello")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


@pytest.fixture
def window(qtbot, monkeypatch):
    win = _window(qtbot, monkeypatch)
    yield win
    win.close()


def settle(qtbot):
    qtbot.wait(30)  # fonts reach the widgets through posted events; layouts follow


def plot_state(panel: LossPlotPanel) -> dict:
    item = panel.plot.getPlotItem()
    axis = item.getAxis("left")
    return {"tick": axis.style["tickFont"].pointSizeF(), "label": axis.labelStyle["font-size"],
            "axis pen": axis.pen().widthF(), "text pen": axis.textPen().color().name(),
            "smooth": panel.smooth_curve.opts["pen"].widthF(), "raw": panel.raw_curve.opts["pen"].widthF(),
            "raw alpha": panel.raw_curve.opts["pen"].color().alpha(),
            "baseline": panel.baseline_line.pen.widthF(), "legend": item.legend.opts["labelTextSize"],
            "background": panel.plot.backgroundBrush().color().name()}


def test_presentation_mode_enlarges_everything_and_switching_off_restores_it_exactly(window, qtbot):
    app = QtWidgets.QApplication.instance()
    settle(qtbot)
    font = QtGui.QFont(app.font())
    before = plot_state(window.loss_plot)
    output = window.sampling_panel.sampleOutput
    output_pt = output.font().pointSizeF()
    explain_pt = window.explain.gradients.header.label.font().pointSizeF()
    action = window.actions["toggle_presentation"]
    assert action.isCheckable() and not action.isChecked()
    assert action.shortcut().toString() == presentation_key()  # F5; Cmd+Option+P on macOS

    action.trigger()  # as the menu or its key would
    settle(qtbot)
    assert action.isChecked() and theme.presentation()
    assert app.font().pointSizeF() == pytest.approx(look.FONT_SCALE * font.pointSizeF())
    on = plot_state(window.loss_plot)
    assert on["tick"] == pytest.approx(look.FONT_SCALE * before["tick"])
    assert on["label"] == "16.5pt" and before["label"] == "11pt"
    assert on["smooth"] == pytest.approx(look.LINE_SCALE * before["smooth"])
    assert on["raw"] > before["raw"] and on["baseline"] > before["baseline"] and on["axis pen"] > before["axis pen"]
    assert on["raw alpha"] > before["raw alpha"]  # stronger colours
    assert on["legend"] == "15pt" and before["legend"] == "10pt"
    assert output.font().pointSizeF() >= look.FONT_SCALE * font.pointSizeF() > output_pt
    assert window.explain.gradients.header.label.font().pointSizeF() > explain_pt
    assert window.status.labels["stepLabel"].font().pointSizeF() > font.pointSizeF()

    action.trigger()
    settle(qtbot)
    assert not action.isChecked() and not theme.presentation()
    assert app.font() == font
    assert plot_state(window.loss_plot) == before
    assert output.font().pointSizeF() == output_pt


def test_a_view_built_after_the_switch_is_styled_too(qtbot):
    theme.set_look(presentation=True)
    panel = GradientsPanel()
    qtbot.addWidget(panel)
    item = panel.norm_plot.getPlotItem()
    assert item.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(look.FONT_SCALE * 10)
    assert panel.smooth_curve.opts["pen"].widthF() == pytest.approx(look.LINE_SCALE * 2.5)
    panel.set_gradient_flow([np.linspace(1, 2, 8)])
    assert panel.flow_curves[0].opts["pen"].widthF() == pytest.approx(look.LINE_SCALE * 2.5)  # made later still
    theme.set_look(presentation=False)
    assert item.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(10)
    assert panel.flow_curves[0].opts["pen"].widthF() == pytest.approx(2.5)


def test_theme_switch_changes_the_palette_and_the_plots(window, qtbot):
    app = QtWidgets.QApplication.instance()
    window_colour = QtGui.QPalette.ColorRole.Window
    window.actions["use_dark_theme"].trigger()
    assert theme.theme() == "dark" and window.actions["use_dark_theme"].isChecked()
    assert not window.actions["use_light_theme"].isChecked()  # one theme at a time
    assert app.palette().color(window_colour).lightness() < 80
    dark = plot_state(window.loss_plot)
    assert QtGui.QColor(dark["background"]).lightness() < 50
    assert QtGui.QColor(dark["text pen"]).lightness() > 200
    gates_background = window.explain.gates.plots.backgroundBrush().color()
    assert gates_background.lightness() < 50

    window.actions["use_light_theme"].trigger()
    assert app.palette().color(window_colour).lightness() > 200
    light = plot_state(window.loss_plot)
    assert light["background"] == "#ffffff" and QtGui.QColor(light["text pen"]).lightness() < 60

    window.actions["use_system_theme"].trigger()
    assert theme.theme() == "system" and window.actions["use_system_theme"].isChecked()


def _contrast(a: str, b: str) -> float:
    return colors.contrast(QtGui.QColor(a).name(), QtGui.QColor(b).name())


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("presenting", [False, True])
def test_text_stays_readable_in_every_look(name, presenting):
    look = theme.set_look(name, presenting)
    app = QtWidgets.QApplication.instance()
    window_bg = app.palette().color(QtGui.QPalette.ColorRole.Window).name()
    for level in ("warning", "error", "info"):  # the message bar
        assert _contrast(*look.message_colors(level)) >= 4.5
    for role in ("muted", "error", "warning"):  # explanations and messages in the panels
        assert _contrast(look.role(role), window_bg) >= 4.5, role
    assert _contrast(look.foreground, look.background) >= 10  # axes on the plots
    for colour in (colors.DARK_BLUE, colors.BLUE, colors.ORANGE):  # the curves, for the back row
        assert _contrast(look.colour(colour).name(), look.background) >= (3 if presenting else 2.5), colour
    # surprise colours carry their own text colour, whatever the theme
    for bg in colors.surprise_colors(np.linspace(0, 10, 41)):
        assert _contrast(colors.text_on(bg), bg) >= 4.5


def test_message_bar_follows_the_theme(window):
    bar = window.message_bar
    bar.show_message("careful", "warning")
    light = bar.styleSheet()
    window.use_dark_theme()
    assert bar.styleSheet() != light and "#3d2f00" in bar.styleSheet()
    assert bar.text() == "careful" and bar.level() == "warning"


def test_full_screen_toggles_and_returns_to_the_previous_state(window, qtbot):
    action = window.actions["toggle_full_screen"]
    assert action.isCheckable() and action.shortcuts() == key_sequences(FULL_SCREEN)
    action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    assert action.isChecked()
    action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not action.isChecked() and not window.isMaximized()

    window.showMaximized()
    window.toggle_full_screen()
    assert window.isFullScreen()
    window.toggle_full_screen()
    assert window.isMaximized() and not window.isFullScreen()  # back to maximised, not normal


def test_the_tick_follows_a_full_screen_started_elsewhere(window, qtbot):
    window.showFullScreen()  # e.g. the window manager, or a restored geometry
    qtbot.waitUntil(lambda: window.actions["toggle_full_screen"].isChecked())
    window.showNormal()
    qtbot.waitUntil(lambda: not window.actions["toggle_full_screen"].isChecked())


def test_choices_are_restored_at_the_next_launch(qtbot, monkeypatch):
    first = _window(qtbot, monkeypatch)
    first.use_dark_theme()
    first.toggle_presentation(True)
    first.close()
    theme.reset()  # as a new process would start
    assert settings.value("view/theme") == "dark"

    second = _window(qtbot, monkeypatch)
    assert theme.theme() == "dark" and theme.presentation()
    assert second.actions["use_dark_theme"].isChecked() and second.actions["toggle_presentation"].isChecked()
    assert second.loss_plot.plot.getPlotItem().getAxis("left").style["tickFont"].pointSizeF() == pytest.approx(15)
    second.close()


def test_a_bad_stored_theme_falls_back_to_the_system_one(qtbot, monkeypatch):
    settings.set_value("view/theme", "purple")
    win = _window(qtbot, monkeypatch)
    assert theme.theme() == "system" and win.actions["use_system_theme"].isChecked()
    win.close()


def test_presentation_mode_fits_a_1280x800_projector(window, qtbot):
    """Larger fonts make the columns wider: the plots keep the middle, the settings column
    folds away when there is not enough room, and nothing is squeezed under its minimum."""
    qtbot.waitUntil(lambda: window.width() == 1280)
    before = window.main_splitter.sizes()
    window.toggle_presentation(True)
    qtbot.wait(50)  # wrapped toolbars ask for their new height on the next turn
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 800, hint
    assert hint.width() <= 1024  # the settings column may be squeezed (it scrolls sideways then)
    assert window.main_splitter.sizes()[0] == 0  # folded away: the plots need the room more
    assert window.size() == QtCore.QSize(1280, 800)
    for panel in (window.loss_plot, window.heatmap, window.sampling_panel, window.explain):
        assert panel.width() >= panel.minimumSizeHint().width(), panel
        assert panel.height() >= panel.minimumSizeHint().height(), panel
    assert window.center_splitter.widget(0).width() >= 640  # the plots have the room
    # a long copy under a sample wraps instead of pushing the window off the screen
    window.sampling_panel.show_memorisation(MemorisationReport(n=20, pieces=100, copied_pieces=14,
                                                               longest=[" " * 40], longest_length=40))
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1280 and window.width() == 1280
    window.toggle_presentation(False)
    qtbot.wait(50)
    assert window.main_splitter.sizes() == before  # the columns as they were


def test_the_memorisation_line_keeps_all_its_lines_at_1024x768(window, qtbot):
    window.resize(1024, 768)
    window.toggle_presentation(True)
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(400)
    label = panel.memorisationLabel
    panel.show_memorisation(MemorisationReport(n=20, pieces=380, copied_pieces=125, longest=[
        "the king is dead⏎long live the king and all his men"], longest_length=51))
    qtbot.waitUntil(lambda: label.isVisible() and label.width() > 0, timeout=5000)
    lines = label.heightForWidth(label.width())
    assert lines >= 3 * label.fontMetrics().height()  # a long line, wrapped
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    panel.resize(panel.width() - 60, panel.height())  # narrower: more lines, still all shown
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    window.toggle_presentation(False)


def test_followers_go_away_with_their_widgets(qtbot):
    count = theme.follower_count()
    panel = LossPlotPanel()
    assert theme.follower_count() > count
    panel.deleteLater()
    del panel
    qtbot.wait(10)
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    gc.collect()
    theme.set_look(presentation=True)  # a change drops the dead ones that are left
    assert theme.follower_count() <= count + 2
