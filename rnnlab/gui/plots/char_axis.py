"""CharAxis: the heatmap's time axis, which spells out the text the network read.

Every column of the map is one character. When one label per column fits (measured with
the tick font against the pixels a column has now), the axis labels every character, in
the text's order. When it does not, the axis becomes a strip of the text itself, readable:
the text in pieces of ten characters, each piece centred under its ten columns (tick marks
show where they start), the pieces taking turns on two or three rows when a piece is wider
than its columns. Read top, bottom, top... and every character is there, in order, next to
its columns; narrower still, the pieces follow each other in lines, as plain text. The
axis is as tall as its font needs, descenders (g j p q y) included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from rnnlab.gui.look.symbols import char_symbol

LABEL_GAP_PX = 2  # room between two neighbouring labels
STRIP_PIECE = 10  # characters per piece of the strip (and columns between its tick marks)
STRIP_GAP_PX = 8  # room between two pieces on one row: they must not read as one
MAX_STRIP_ROWS = 3  # narrower still, and the pieces simply follow each other in lines
SMALLEST_STRIP = 0.75  # the strip's font may shrink to 75% of the axis's to save a row
MIN_STRIP_PT = 7.0  # and never below 7 pt
STRIP_SHARE = 0.35  # lines of text take at most this share of the plot's height


@dataclass(frozen=True)
class StripPiece:
    """Characters first..first+len(text)-1 of the text, drawn from x (in the axis) on a row."""

    first: int
    text: str
    x: float
    width: float
    row: int


def shown_symbol(ch: str) -> str:
    """A character as the axis shows it: space ·, newline ⏎, tab ⇥."""
    return char_symbol(ch, "·")


class CharAxis(pg.AxisItem):
    """A bottom axis labelled with the characters of a text, one per column of the map."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.mode = "labels"  # "labels" (one tick label per character) or "strip"
        self._symbols: list[str] = []
        self._columns = 0
        self._layout_key: tuple | None = None

    # --- what to show -------------------------------------------------------------------

    def set_text(self, text: str, columns: int) -> None:
        """The text the map's `columns` columns stand for (a longer text is cut)."""
        symbols = [shown_symbol(ch) for ch in (text or "")[:columns]]
        if symbols == self._symbols and columns == self._columns:
            return
        self._symbols, self._columns = symbols, columns
        self.relayout(force=True)

    def column_px(self) -> float:
        """Screen pixels one character's column has now."""
        return self.geometry().width() / self._columns if self._columns else 0.0

    def _font(self) -> QtGui.QFont:
        return QtGui.QFont(self.style["tickFont"]) if self.style["tickFont"] else QtGui.QFont()

    def labels_need_px(self) -> float:
        """The column width at which every label fits beside its neighbours: a wide ⏎
        needs room only from the letters next to it, and the end labels stay in bounds."""
        metrics = QtGui.QFontMetricsF(self._font())
        widths = [metrics.horizontalAdvance(s) for s in self._symbols]
        if not widths:
            return 0.0
        pairs = [(a + b) / 2 for a, b in zip(widths, widths[1:])]
        return max(pairs + [widths[0], widths[-1]]) + LABEL_GAP_PX

    # --- layout -------------------------------------------------------------------------

    def relayout(self, force: bool = False) -> None:
        """Labels or strip for the current width and font; the height the font needs."""
        if not hasattr(self, "_layout_key"):  # pyqtgraph styles the axis while it is built
            return
        font = self._font()
        key = (round(self.column_px(), 2), font.toString(), len(self._symbols))
        if key == self._layout_key and not force:
            return
        self._layout_key = key
        fits = self.labels_need_px() <= self.column_px()
        self.mode = "labels" if fits or not self._symbols else "strip"
        lines = 1.0
        if self.mode == "labels":
            ticks = [(t + 0.5, s) for t, s in enumerate(self._symbols)]
        else:  # a mark where each piece starts; the strip is drawn in drawPicture
            ticks = [(float(t), "") for t in range(0, len(self._symbols) + 1, STRIP_PIECE)]
            strip_font, rows, _pieces = self.strip_layout()
            lines = rows * QtGui.QFontMetricsF(strip_font).height() / QtGui.QFontMetricsF(font).height()
        self.setTicks([ticks, []])
        height = self._text_top() + lines * QtGui.QFontMetricsF(font).height()
        self.setHeight(math.ceil(height + 2))  # the font's full height: no clipped descenders

    def setStyle(self, **kwargs) -> None:  # noqa: N802 - pyqtgraph's name
        super().setStyle(**kwargs)
        if "tickFont" in kwargs or "tickLength" in kwargs:
            self.relayout(force=True)

    def setTickFont(self, font) -> None:  # noqa: N802 - pyqtgraph's name
        super().setTickFont(font)
        self.relayout(force=True)

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(ev)
        self.relayout()

    # --- the strip ------------------------------------------------------------------------

    def strip_layout(self) -> tuple[QtGui.QFont, int, list[StripPiece]]:
        """(font, rows, pieces) of the strip: the fewest rows, then the largest font."""
        base = self._font()
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        smallest = max(MIN_STRIP_PT, size * SMALLEST_STRIP)
        best = None
        while True:
            font = QtGui.QFont(base)
            font.setPointSizeF(size)
            rows, pieces = self._pieces(QtGui.QFontMetricsF(font))
            if best is None or rows < best[1]:
                best = (font, rows, pieces)
            if size - 0.5 < smallest or rows == 1:
                return best
            size -= 0.5

    def _pieces(self, metrics: QtGui.QFontMetricsF) -> tuple[int, list[StripPiece]]:
        scale = self.column_px()  # the view shows columns 0..n exactly: column t starts at t * scale
        chunks = [(a, "".join(self._symbols[a:a + STRIP_PIECE])) for a in range(0, len(self._symbols), STRIP_PIECE)]
        widths = [metrics.horizontalAdvance(text) for _, text in chunks]
        # pieces k and k + rows share a row: their centres are rows * span apart
        span = max(STRIP_PIECE * scale, 1.0)
        rows = max(1, math.ceil((max(widths, default=0.0) + STRIP_GAP_PX) / span))
        if rows > MAX_STRIP_ROWS:  # too narrow to stay near the columns: readable lines of text
            return self._wrapped(chunks, widths, metrics)
        lefts = [(a * scale + min(len(text), STRIP_PIECE) * scale / 2) - w / 2
                 for (a, text), w in zip(chunks, widths)]
        right_end = self.geometry().width()
        for k in range(len(lefts)):  # keep pieces inside the axis and clear of their row's last one
            before = lefts[k - rows] + widths[k - rows] + STRIP_GAP_PX if k >= rows else 0.0
            lefts[k] = max(lefts[k], before)
        for k in reversed(range(len(lefts))):
            after = lefts[k + rows] - STRIP_GAP_PX if k + rows < len(lefts) else right_end
            lefts[k] = max(0.0, min(lefts[k], after - widths[k]))
        pieces = [StripPiece(a, text, x, w, k % rows) for k, ((a, text), x, w) in enumerate(zip(chunks, lefts, widths))]
        return rows, pieces

    def _wrapped(self, chunks, widths, metrics: QtGui.QFontMetricsF) -> tuple[int, list[StripPiece]]:
        """The pieces one after another in lines; at most STRIP_SHARE of the plot's height
        (the map comes first), the last line ending in "…" when the text is cut."""
        plot = self.parentItem()
        room = plot.boundingRect().height() * STRIP_SHARE if plot is not None else 0.0
        max_rows = max(1, int(room // metrics.height()))
        pieces, x, row = [], 0.0, 0
        for (a, text), w in zip(chunks, widths):
            if x > 0 and x + w > self.geometry().width():
                x, row = 0.0, row + 1
            if row == max_rows:  # no room for more: mark the cut on the last piece
                last = pieces[-1]
                pieces[-1] = StripPiece(last.first, last.text[:-1] + "…", last.x, last.width, last.row)
                break
            pieces.append(StripPiece(a, text, x, w, row))
            x += w + STRIP_GAP_PX
        return min(row + 1, max_rows), pieces

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs) -> None:  # noqa: N802 - pyqtgraph's name
        super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
        if self.mode == "strip" and self._symbols:
            self._draw_strip(p)

    def _draw_strip(self, p: QtGui.QPainter) -> None:
        font, _rows, pieces = self.strip_layout()
        metrics = QtGui.QFontMetricsF(font)
        p.setFont(font)
        pen = self.textPen()
        band = QtGui.QColor(pen.color())
        band.setAlpha(24)  # a faint band behind each piece shows where it starts and ends
        top = self._text_top()
        for piece in pieces:
            y = top + piece.row * metrics.height()
            p.fillRect(QtCore.QRectF(piece.x - 2, y, piece.width + 4, metrics.height()), band)
            p.setPen(pen)
            p.drawText(QtCore.QPointF(piece.x, y + metrics.ascent()), piece.text)

    def _text_top(self) -> float:
        return max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
