"""The window on a projector's screen (1024x768, 1280x800): it fits, presentation mode shows
fewer and bigger things, legends stay off the data, remembered columns are per screen."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from window_helpers import Answers

from rnnlab.gui import MainWindow
from rnnlab.gui.explain import header
from rnnlab.gui.look import settings, theme
from rnnlab.gui.window import window_fit

SIZES = [(1024, 768), (1280, 800)]


@pytest.fixture(autouse=True)
def normal_look():
    theme.reset()
    yield
    theme.reset()


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, "prompts", Answers())
    win = MainWindow("builtin:hello")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.dirty = False
    win.close()


def _at(window, qtbot, width, height, presenting):
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size() == QtCore.QSize(width, height))
    window.view_modes.set_presentation(presenting)
    window_fit.share_out(window.splitters)  # as a first launch on this screen
    window.view_modes.fit_columns()
    qtbot.waitUntil(lambda: window.loss_plot.plot.height() > 0)
    qtbot.wait(50)  # wrapped rows and the legend's strip settle on the next turns


def test_the_first_size_leaves_room_for_a_title_bar():
    for w, h in SIZES:
        size = window_fit.first_size(QtCore.QRect(0, 0, w, h))
        assert size.width() <= w and size.height() <= h - window_fit.TITLE_BAR
    assert window_fit.first_size(QtCore.QRect(0, 0, 1920, 1080)) == window_fit.DEFAULT_SIZE


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("presenting", [False, True])
def test_the_window_fits_the_screen(window, qtbot, width, height, presenting):
    _at(window, qtbot, width, height, presenting)
    hint = window.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height - 30, hint  # even under a title bar
    assert window.size() == QtCore.QSize(width, height)
    assert window.statusBar().geometry().bottom() < height  # the status bar on screen
    assert window_fit.columns_usable(window.splitters)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_presentation_mode_shows_big_plots_and_fewer_things(window, qtbot, width, height):
    _at(window, qtbot, width, height, True)
    assert window.main_splitter.sizes()[0] == 0  # the settings folded away
    assert not window.loss_plot.toolbar.isVisible() and not window.sampling_panel.primeEdit.isVisible()
    assert window.panel_boxes["loss"].title() == ""
    assert window.view_chooser.combo.isVisible() and not window.view_chooser.button_row.isVisible()
    view = window.loss_plot.plot.getPlotItem().getViewBox()
    assert window.loss_plot.plot.height() >= 190 and view.height() >= 100
    assert window.heatmap.view_widget.height() >= 120
    assert window.sampling_panel.sampleOutput.height() >= 300
    window.explain.show_view(window.explain.next_char)  # a tall view: the loss plot gets less
    axis = window.loss_plot.plot.getPlotItem().getAxis("left")
    qtbot.waitUntil(lambda: axis.label.boundingRect().width() <= axis.height())  # not "oss"
    window.view_modes.set_presentation(False)
    assert window.loss_plot.toolbar.isVisible() and window.sampling_panel.primeEdit.isVisible()
    assert window.panel_boxes["loss"].title() == "Loss"


@pytest.mark.parametrize("presenting", [False, True])
def test_legends_stay_above_the_data(window, qtbot, presenting):
    _at(window, qtbot, 1024, 768, presenting)
    window.loss_plot.set_baseline(1.7, "5-gram baseline\nfirst 30k of 200k validation chars")
    window.loss_plot._flush()
    item = window.loss_plot.plot.getPlotItem()
    strip = item._rnnlab_top_strip
    qtbot.waitUntil(lambda: not strip.legend_rect().intersects(strip.data_rect())
                    and strip.legend_rect().height() > 0)
    assert strip.legend_rect().right() <= item.width()  # every entry inside the plot
    assert window.loss_plot.baseline_text().startswith("5-gram baseline 1.70 nats/char")
    gradients = window.explain.gradients
    window.explain.show_view(gradients)
    gradients.set_gradient_flow([np.linspace(1, 2, 16), np.linspace(1, 3, 16)])
    gradients.append_grad_norms(np.arange(1, 20), np.linspace(1, 5, 19))
    for plot in (gradients.flow_plot, gradients.norm_plot):
        top = plot.getPlotItem()._rnnlab_top_strip
        qtbot.waitUntil(lambda top=top, plot=plot: top.legend_rect().height() > 0
                        and not top.legend_rect().intersects(top.data_rect())
                        and top.legend_rect().right() <= plot.getPlotItem().width())


@pytest.mark.parametrize(("width", "height"), [(1024, 728), (1280, 760)])  # under a title bar
def test_the_normal_windows_loss_curves_get_room(window, qtbot, width, height):
    _at(window, qtbot, width, height, False)
    window.loss_plot.set_baseline(1.7, "5-gram baseline\nfirst 30k of 200k validation chars")
    window.loss_plot._flush()
    strip = window.loss_plot.plot.getPlotItem()._rnnlab_top_strip
    qtbot.waitUntil(lambda: strip.legend_rect().height() > 0 and not strip.legend_rect().intersects(strip.data_rect()))
    assert strip.data_rect().height() >= 70  # was ~26 px at 1024x728 (three legend lines, two toolbar rows)
    item = window.loss_plot.plot.getPlotItem()
    for side in ("left", "right"):  # each axis label read in full, not "rning rate (x0.001"
        axis = item.getAxis(side)
        assert axis.label.boundingRect().width() <= axis.height(), (side, axis.labelString())
    tabs, inside = window.explain, window.center_splitter.widget(1)
    tabs.show_view(tabs.next_char)  # a taller view than the hidden state's: the splitter makes room
    page = tabs.currentWidget()
    qtbot.waitUntil(lambda: window.center_splitter.sizes()[1] >= inside.minimumSizeHint().height()
                    and page.height() >= page.minimumSizeHint().height(), timeout=3000)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_view_name_is_shown_in_full(window, qtbot, width, height):
    _at(window, qtbot, width, height, False)
    chooser = window.view_chooser
    for index, button in enumerate(chooser.buttons):
        assert button.isVisible() and button.text() == window.explain.tabText(index)
        assert button.width() >= button.sizeHint().width()
        assert chooser.button_row.rect().contains(button.geometry())  # not cut off at the edge
    chooser.buttons[-1].click()  # "Step through"
    assert window.explain.currentIndex() == len(chooser.buttons) - 1
    window.view_modes.set_presentation(True)
    assert chooser.combo.currentText() == "Step through"
    chooser.combo.activated.emit(0)
    assert window.explain.currentIndex() == 0 and chooser.buttons[0].isChecked()


def test_columns_are_remembered_per_screen_size_and_checked(window, qtbot, monkeypatch):
    _at(window, qtbot, 1280, 800, False)
    columns = window.main_splitter
    columns.setSizes([400, 500, 380])
    mine = columns.sizes()
    window_fit.save(window, window.splitters)
    key = window_fit.screen_key(window)
    assert settings.value(f"splitters/{key}/columns") is not None
    columns.setSizes([330, 600, 350])
    assert window_fit.restore_columns(window, window.splitters)  # the same screen: the same columns
    assert columns.sizes() == mine
    monkeypatch.setattr(window_fit, "screen_key", lambda _w: "640x480")  # another screen: none remembered
    assert not window_fit.restore_columns(window, window.splitters)
    window_fit.share_out(window.splitters)  # what a first launch on that screen gets
    sizes = columns.sizes()
    assert sizes[0] == columns.widget(0).content_width() and 250 <= sizes[2] <= 380
    assert window_fit.columns_usable(window.splitters)


def _lines(view) -> float:
    return view.viewport().height() / QtGui.QFontMetrics(view.font()).lineSpacing()


@pytest.mark.parametrize(("width", "height"), [(1024, 728), (1280, 760)])  # under a title bar
def test_an_explanation_keeps_to_a_few_lines_and_scrolls(window, qtbot, width, height):
    """At 1024x728 the full explanations took 5-9 lines of a ~260 px view and left the text
    boxes under them 2-3 lines."""
    _at(window, qtbot, width, height, False)
    hunt = window.explain.neuron_hunt
    window.explain.show_view(hunt)
    paragraph = hunt.header.paragraph
    line = QtGui.QFontMetrics(paragraph.widget().font()).lineSpacing()
    room = window.explain.currentWidget().height()
    qtbot.waitUntil(lambda: paragraph.height() <= max(header.MIN_LINES * line, header.ROOM_SHARE * room) + 1)
    assert paragraph.verticalScrollBar().maximum() > 0  # the rest of it is a scroll away
    assert _lines(hunt.pattern_view) >= 3 and _lines(hunt.unit_view) >= 4.5


def test_a_tall_window_shows_the_whole_explanation(window, qtbot):
    _at(window, qtbot, 1600, 1150, False)
    gates = window.explain.gates
    window.explain.show_view(gates)
    paragraph = gates.header.paragraph
    qtbot.waitUntil(lambda: paragraph.height() >= paragraph.widget().heightForWidth(paragraph.width()))
    assert paragraph.verticalScrollBar().maximum() == 0


def _shown(status) -> set:
    return {w for w in (*status.labels.values(), status.progress, status.eta) if w.isVisible()}


@pytest.mark.parametrize("presenting", [False, True])
def test_a_passing_message_gets_room_in_a_narrow_status_bar(window, qtbot, presenting):
    _at(window, qtbot, 1024, 728, presenting)
    status, bar = window.status, window.statusBar()
    status.show_budget(0.5, 30.0)
    shown_before = {w.objectName() for w in _shown(status)}
    text = "Budget reached: training stopped"
    window.show_status(text, 60000)

    def message_fits():
        left = min(w.geometry().left() for w in _shown(status))
        return left >= bar.fontMetrics().horizontalAdvance(text) + 8
    qtbot.waitUntil(message_fits)
    assert {"stepLabel", "lossLabel", "valLabel"} <= {w.objectName() for w in _shown(status)}
    bar.clearMessage()
    qtbot.waitUntil(lambda: {w.objectName() for w in _shown(status)} == shown_before)
    assert ("epochLabel" in shown_before) is not presenting  # presentation's own choice kept
