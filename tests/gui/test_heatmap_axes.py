"""The heatmap's axes as drawn: every character in order (or the text as a strip), full-height
labels, and unit numbers that survive a resize, at the classroom model's 512 units too."""

import numpy as np
import pytest
import torch
from PySide6 import QtGui

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.probe import probe
from rnnlab.gui.explain.heatmap_panel import MAX_CHARS, HeatmapPanel
from rnnlab.gui.plots.char_axis import MIN_STRIP_PT, STRIP_PIECE, shown_symbol
from rnnlab.gui.plots.heatmap_view import HeatmapView

HELLO = "hello world"
LONG = ("hello world\n" * 10)[:MAX_CHARS]


def _probe(text: str, hidden: int = 8):
    vocab = Vocabulary(sorted(set(text)))
    torch.manual_seed(0)
    return probe(CharRNN(ModelConfig(len(vocab), "gru", hidden, 1)), vocab, text)


@pytest.fixture
def panel(qtbot):
    w = HeatmapPanel()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _drawn(axis) -> list[tuple[float, float, str]]:
    """(centre, far edge, text) of each tick label the axis really draws now, in order along
    the axis: pyqtgraph's own choice, after it drops crowded levels and labels out of bounds."""
    image = QtGui.QImage(4, 4, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    specs = axis.generateDrawSpecs(painter)
    painter.end()
    texts = specs[2] if specs else []
    vertical = axis.orientation in ("left", "right")
    spots = [((r.center().y() if vertical else r.center().x()), r.top(), text) for r, _, text in texts]
    return sorted(spots)


def _resize_and_wait(qtbot, panel, width: int, height: int) -> None:
    panel.resize(width, height)
    view, axis = panel.view.plot.getViewBox(), panel.view.char_axis
    # the layouts settle on the next events: wait until the map has taken the new room
    qtbot.waitUntil(lambda: panel.width() == width and panel.view_widget.width() == width - 4
                    and view.width() > width / 2 and abs(view.width() - axis.geometry().width()) < 1)


def test_every_character_labelled_in_order_when_wide(panel, qtbot):
    _resize_and_wait(qtbot, panel, 900, 400)
    panel.set_probe(_probe(HELLO))
    axis = panel.view.char_axis
    qtbot.waitUntil(lambda: len(_drawn(axis)) == len(HELLO))
    assert axis.mode == "labels"
    assert [text for _, _, text in _drawn(axis)] == list("hello·world")  # left to right, all 11
    # each label under its own column
    column = axis.column_px()
    for t, (x, _, _) in enumerate(_drawn(axis)):
        assert t * column < x < (t + 1) * column


def test_labels_have_the_height_their_font_needs(panel, qtbot):
    _resize_and_wait(qtbot, panel, 900, 400)
    text = "a jumpy dog gets quite yappy"  # descenders: g j p q y
    panel.set_probe(_probe(text))
    axis = panel.view.char_axis
    qtbot.waitUntil(lambda: len(_drawn(axis)) == len(text))
    metrics = QtGui.QFontMetricsF(axis.style["tickFont"])
    tops = {top for _, top, _ in _drawn(axis)}
    assert len(tops) == 1  # one line of labels
    # ascent + descent of the font fit inside the axis: nothing is cut off at the bottom
    assert tops.pop() + metrics.height() <= axis.geometry().height()


def test_narrow_map_shows_the_text_as_a_strip(panel, qtbot):
    _resize_and_wait(qtbot, panel, 900, 400)
    panel.set_probe(_probe(LONG))
    axis = panel.view.char_axis
    _resize_and_wait(qtbot, panel, 520, 400)
    # the strip is taller than one line of labels: the layout gives it the height on the next events
    qtbot.waitUntil(lambda: axis.mode == "strip" and axis.geometry().height() == axis.maximumHeight())
    assert axis.column_px() < axis.labels_need_px()  # one label per column would not fit
    assert not [text for _, _, text in _drawn(axis) if text]  # no every-k-th letter on the axis
    font, rows, pieces = axis.strip_layout()
    assert "".join(piece.text for piece in pieces) == "".join(shown_symbol(ch) for ch in LONG)
    assert "⏎" in pieces[1].text and "·" in pieces[0].text  # visible newline and space
    assert font.pointSizeF() >= MIN_STRIP_PT and 2 <= rows <= 4
    column = axis.column_px()
    for piece in pieces:  # next to its own columns, inside the axis
        assert piece.x < (piece.first + STRIP_PIECE) * column and piece.x + piece.width > piece.first * column
        assert 0 <= piece.x and piece.x + piece.width <= axis.geometry().width() + 0.5
    for a, b in zip(pieces, pieces[rows:]):  # pieces sharing a row never overlap
        assert a.row == b.row and a.x + a.width < b.x
    metrics = QtGui.QFontMetricsF(font)
    assert axis.geometry().height() >= rows * metrics.height()  # every row whole, descenders too
    # and the strip is really painted: ink in the axis under the map
    image = panel.view_widget.grab().toImage()
    rect = axis.mapRectToScene(axis.boundingRect()).toRect()
    ink = sum(1 for x in range(rect.left() + 1, rect.right() - 1, 2)
              for y in range(rect.top() + 8, rect.bottom() - 1)
              if QtGui.QColor(image.pixel(x, y)).lightness() < 200)
    assert ink > 100
    _resize_and_wait(qtbot, panel, 1900, 400)  # wide again: one label per column again
    qtbot.waitUntil(lambda: axis.mode == "labels", timeout=2000)


def test_unit_numbers_stay_after_a_resize_to_a_large_size(panel, qtbot):
    _resize_and_wait(qtbot, panel, 650, 300)
    panel.set_probe(_probe(HELLO, hidden=512))  # the classroom GRU's 512 units
    left = panel.view.plot.getAxis("left")
    qtbot.waitUntil(lambda: len(_drawn(left)) >= 3)
    for width, height in ((1900, 1150), (800, 500), (1400, 900), (1280, 731), (1024, 613), (1600, 1000)):
        _resize_and_wait(qtbot, panel, width, height)
        qtbot.waitUntil(lambda: len(_drawn(left)) >= 3)
        spots = _drawn(left)
        assert spots[0][2] == "0"
        numbers = [int(text) for _, _, text in spots]
        assert numbers == sorted(numbers) and numbers[-1] >= 400
        gaps = [b[0] - a[0] for a, b in zip(spots, spots[1:])]
        assert min(gaps) >= QtGui.QFontMetricsF(left.style["tickFont"]).height()  # never touching
    panel.select_unit(300)  # the followed unit is marked among the numbers
    qtbot.waitUntil(lambda: "300 ▶" in [text for _, _, text in _drawn(left)])


def test_a_cramped_map_shows_the_text_in_lines_and_keeps_its_room(qtbot):
    view = HeatmapView(lambda _where: None, lambda _unit: None)
    qtbot.addWidget(view.widget)
    view.widget.resize(300, 260)
    view.widget.show()
    qtbot.waitExposed(view.widget)
    view.show(np.zeros((MAX_CHARS, 16), dtype=np.float32), (-1.0, 1.0), True, LONG)
    axis = view.char_axis
    qtbot.waitUntil(lambda: axis.mode == "strip" and axis.geometry().height() == axis.maximumHeight())
    font, rows, pieces = axis.strip_layout()
    assert rows > 1 and [piece.row for piece in pieces] == sorted(piece.row for piece in pieces)  # lines
    shown = "".join(piece.text for piece in pieces)
    full = "".join(shown_symbol(ch) for ch in LONG)
    assert shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))  # in order, cut visibly
    for a, b in zip(pieces, pieces[1:]):
        assert b.row > a.row or a.x + a.width < b.x  # one after another on a line
    assert all(piece.x + piece.width <= axis.geometry().width() + 0.5 for piece in pieces)
    # the map keeps most of the height: the lines take at most about a third of the plot
    assert rows * QtGui.QFontMetricsF(font).height() <= 0.36 * view.plot.boundingRect().height()
