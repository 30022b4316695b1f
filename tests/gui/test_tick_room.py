"""Tick labels never overlap, however short the plot (tick_room via colors.style_axes)."""

import pyqtgraph as pg
import pytest
from PySide6 import QtGui

from rnnlab.gui.look import colors, theme


@pytest.fixture(autouse=True)
def normal_look():
    theme.reset()
    yield
    theme.reset()


def _labels(axis: pg.AxisItem) -> list:
    image = QtGui.QImage(10, 10, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts if text]


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("presenting", [False, True])
def test_a_short_plots_labels_do_not_overlap(qtbot, log, presenting):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    colors.style_axes(item)
    theme.set_look(presentation=presenting)  # 15-pt ticks on a 60-px axis
    item.setLogMode(y=log)
    plot.resize(300, 100)
    plot.show()
    low = -1.0 if log else 0.0  # a log axis from 0.1 to 1: its labels 0.2 0.3 ... 0.9 crowd most
    item.setYRange(low, low + 1.0, padding=0)
    axis = item.getAxis("left")
    qtbot.waitUntil(lambda: axis.geometry().height() > 20 and list(axis.range) == [low, low + 1.0])
    # pyqtgraph widens an axis for its labels after drawing them once, and drops those that
    # did not fit meanwhile: wait until it has
    qtbot.waitUntil(lambda: len(_labels(axis)) >= 2)  # thinned, not emptied
    labels = _labels(axis)
    rects = sorted((rect for rect, _ in labels), key=lambda r: r.center().y())
    for a, b in zip(rects, rects[1:]):
        assert a.bottom() <= b.top() + 1, [text for _, text in labels]


def test_a_tall_plot_keeps_every_label(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    colors.style_axes(item)
    plot.resize(300, 500)
    plot.show()
    item.setYRange(0.0, 1.0, padding=0)
    axis = item.getAxis("left")
    qtbot.waitUntil(lambda: axis.geometry().height() > 300 and list(axis.range) == [0.0, 1.0])
    qtbot.waitUntil(lambda: len(_labels(axis)) >= 6)
    assert [text for _, text in _labels(axis)][:6] == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
