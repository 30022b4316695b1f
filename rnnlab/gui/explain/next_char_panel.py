"""NextCharPanel: what the network expected to come next, and how surprised it was.

After each character the network gives a probability to every character that could come
next (ProbeResult.probs, one row per character read). The text is shown coloured by the
surprise of each character given the ones before it, -log2 p in bits
(rnnlab.core.nn.surprisal.surprisal_bits): white when the network expected it, dark red when it
did not. The first character has no prediction and stays uncoloured. Clicking a character
shows, in a bar chart, the ten characters the network thought most likely to come after
it (surprisal.top_next), the one that really came next in another colour; hovering one
tells its surprise and the top three guesses in a line below the text.

A pure view, fed `set_probe(ProbeResult, Vocabulary)` up to a few times a second.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.core.nn.surprisal import surprisal_bits, top_next
from rnnlab.gui.explain.header import ExplainHeader, export_or_report
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.symbols import char_symbol

TOP_K = 10  # bars drawn
BAR_COLOR = colors.BLUE
ACTUAL_COLOR = colors.ORANGE  # the character that really came next
EXPLANATION = (
    "After each character the network guesses the next one. The text is coloured by "
    "<i>surprise</i>: how unlikely the character that really came next was, in bits "
    "(white = expected, dark red = surprising; 1 bit = a coin flip, 8 bits = about 1 chance in "
    "256). Click a character (or point at it) to see the network's top guesses for what comes "
    "after it; the orange bar is the character that really came.")


class NextCharPanel(QtWidgets.QWidget):
    """The text coloured by surprise, and the top next-character guesses after one character."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="nextCharPanel")
        self._result = None
        self._vocab = None
        self._text = ""
        self._surprisal = np.zeros(0, dtype=np.float64)
        self._chosen: int | None = None  # None: follow the last character
        self._hovered: int | None = None  # the character under the pointer, if any
        self._bars: list[tuple[str, float]] = []
        self._doc_to_t = np.zeros(0, dtype=np.int64)  # document position -> character index or -1
        self._t_to_doc = np.zeros(0, dtype=np.int64)
        self.header = ExplainHeader("nextChar", EXPLANATION, target=self)
        self._build_text_view()
        self._build_bars()
        self._build_layout()
        self._show_error("")
        theme.follow(self, lambda panel, _look: panel._refresh_bars())  # the bars' colours

    # --- construction ---------------------------------------------------------------

    def _build_text_view(self) -> None:
        self.text_view = QtWidgets.QTextEdit(objectName="surprisalTextView", readOnly=True)
        self.text_view.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.NoTextInteraction)
        self.text_view.setToolTip("Each character on a background coloured by the network's surprise "
                                  "at it; click one to see what the network expected after it")
        theme.follow_mono_font(self.text_view)
        theme.follow_lines(self.text_view, minimum=2, font=lambda view: view.font())
        self._viewport = viewport = self.text_view.viewport()
        viewport.setMouseTracking(True)
        viewport.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        viewport.installEventFilter(self)
        self.legend_label = QtWidgets.QLabel(_legend_html(), objectName="surprisalLegend")
        self.legend_label.setToolTip("Surprise in bits: -log2 of the probability the network gave to the "
                                     "character that came")
        self.hover_label = QtWidgets.QLabel(objectName="nextCharHoverLabel", wordWrap=True)
        self.error_label = QtWidgets.QLabel(objectName="nextCharErrorLabel", wordWrap=True)
        theme.set_text_role(self.error_label, "error")

    def _build_bars(self) -> None:
        self.bar_plot = plot = pg.PlotWidget(background="w")
        plot.setObjectName("nextCharBars")
        plot.setMinimumWidth(200)
        theme.follow_min_height(plot, 84)  # grows with the fonts (presenting: 126 px; 110 had cut its letters off)
        colors.style_view(plot)
        item = plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(y=True, alpha=0.15)
        colors.set_label(item, "left", "probability", 10)
        colors.style_axes(item)
        theme.follow(item, _letters_axis_height)
        item.setYRange(0.0, 1.0, padding=0.02)
        item.setXRange(-0.6, TOP_K - 0.4, padding=0)
        self.bar_item = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.8)
        item.addItem(self.bar_item)
        self.bar_caption = QtWidgets.QLabel(objectName="nextCharCaption", wordWrap=True)
        # room for its two wrapped lines: a wrapped label asks for one, and the plot under it
        # was pushed out of the view's bottom (its letters cut off)
        theme.follow_lines(self.bar_caption, minimum=2, pad=2)

    def _build_layout(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addWidget(self.header)
        layout.addWidget(self.error_label)
        layout.addWidget(self.text_view, 2)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.hover_label)
        layout.addWidget(self.bar_caption)
        layout.addWidget(self.bar_plot, 3)

    # --- probes in ----------------------------------------------------------------------

    def set_probe(self, result, vocab) -> None:
        """Show a ProbeResult with the Vocabulary that turns its ids into characters (called up
        to a few times a second). A chosen character stays chosen while it is in the text."""
        try:
            probs = np.asarray(result.probs, dtype=np.float64)
            ids = np.asarray(result.ids).reshape(-1).astype(np.int64)
            if probs.ndim != 2 or probs.shape[0] != ids.size:
                raise ValueError(f"probabilities {probs.shape} do not match {ids.size} characters")
            if probs.shape[1] != len(vocab):
                raise ValueError(f"the model predicts {probs.shape[1]} characters but the vocabulary has {len(vocab)}")
            text = result.text if result.text is not None else vocab.decode(ids)
            if len(text) != ids.size:
                text = vocab.decode(ids)
            bits = np.full(ids.size, np.nan)
            if ids.size > 1:
                bits[1:] = surprisal_bits(probs[:-1], ids[1:])
        except Exception as e:  # noqa: BLE001 - a view shows its troubles, it does not raise
            self._show_error(f"cannot show this probe: {e}")
            return
        self._result, self._vocab, self._text, self._surprisal = result, vocab, text, bits
        self._show_error("")
        if self._chosen is not None and self._chosen >= ids.size:
            self._chosen = None
        self._render_text()
        self._refresh_selection()

    def probe(self):
        """The last (ProbeResult, Vocabulary) shown, or (None, None)."""
        return self._result, self._vocab

    def clear(self) -> None:
        """Forget the probe: empty text and bars."""
        self._result = self._vocab = None
        self._text = ""
        self._surprisal = np.zeros(0, dtype=np.float64)
        self._chosen = None
        self._doc_to_t = np.zeros(0, dtype=np.int64)
        self._t_to_doc = np.zeros(0, dtype=np.int64)
        self.text_view.clear()
        self.hover_label.clear()
        self._show_error("")
        theme.follow(self, lambda panel, _look: panel._refresh_bars())  # the bars' colours

    def surprisal(self) -> np.ndarray:
        """(T,) bits: element t is -log2 of the probability the network gave to character t
        after reading characters 0..t-1; element 0 is NaN (nothing was predicted)."""
        return self._surprisal.copy()

    # --- the text ---------------------------------------------------------------------------

    def _render_text(self) -> None:
        """The text, one character a time with its surprise colour, remembering where each
        character lands in the document (for clicks and the selection mark)."""
        view = self.text_view
        bar = view.verticalScrollBar()
        where = bar.value()
        doc = view.document()
        doc.clear()
        cursor = QtGui.QTextCursor(doc)
        cursor.beginEditBlock()
        fmt_plain = QtGui.QTextCharFormat()
        backgrounds = colors.surprise_colors(self._surprisal)
        starts = np.empty(len(self._text), dtype=np.int64)
        for t, ch in enumerate(self._text):
            starts[t] = cursor.position()
            fmt = QtGui.QTextCharFormat(fmt_plain)
            if t > 0:
                bg = backgrounds[t]
                fmt.setBackground(QtGui.QColor(bg))
                fmt.setForeground(QtGui.QColor(colors.text_on(bg)))
            cursor.insertText(char_symbol(ch, space=" "), fmt)
            if ch == "\n":
                cursor.insertText("\n", fmt_plain)  # ⏎ shown, then the line really breaks
        cursor.endEditBlock()
        doc_to_t = np.full(doc.characterCount() + 1, -1, dtype=np.int64)
        ends = np.append(starts[1:], cursor.position()) if len(starts) else starts
        for t, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
            width = 2 if (e - s) >= 2 and self._text[t] != "\n" else 1  # a surrogate pair takes 2
            doc_to_t[s:s + width] = t
        self._doc_to_t, self._t_to_doc = doc_to_t, starts
        bar.setValue(where)

    def position_at(self, point: QtCore.QPoint) -> int | None:
        """The character index under a point of the text view's viewport, or None."""
        if not self._text:
            return None
        cursor = self.text_view.cursorForPosition(point)
        pos = cursor.position()
        if point.x() < self.text_view.cursorRect(cursor).x():
            pos -= 1  # left of the caret: the character before it
        if 0 <= pos < len(self._doc_to_t) and self._doc_to_t[pos] >= 0:
            return int(self._doc_to_t[pos])
        return None

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._viewport:
            kind = event.type()
            if kind == QtCore.QEvent.Type.MouseButtonPress and event.button() == QtCore.Qt.MouseButton.LeftButton:
                t = self.position_at(event.position().toPoint())
                if t is not None:
                    self.select_position(t)
                return True
            if kind == QtCore.QEvent.Type.MouseMove:
                self._show_hover(self.position_at(event.position().toPoint()))
            elif kind == QtCore.QEvent.Type.Leave:
                self._show_hover(None)
        return super().eventFilter(watched, event)

    def describe(self, t: int) -> str:
        """A line about character t: its surprise and what the network expected after it."""
        if self._result is None or not 0 <= t < len(self._text):
            return ""
        sym = char_symbol(self._text[t])
        head = f"'{sym}' (position {t})"
        if t > 0:
            head += f": {self._surprisal[t]:.1f} bits of surprise"
        guesses = ", ".join(f"'{self._char(i)}' {p:.0%}" for i, p in top_next(self._result.probs[t], 3))
        return f"{head} · after it the network expects {guesses}"

    def _show_hover(self, t: int | None) -> None:
        # the bars follow the pointer too: the line, the bars and their caption always speak
        # of the same character (the chosen one again once the pointer leaves)
        self._hovered = t
        self.hover_label.setText(self.describe(t) if t is not None else "")
        self._refresh_bars()

    def shown_position(self) -> int | None:
        """The character the bars describe: the one pointed at, else the chosen one."""
        if self._hovered is not None and 0 <= self._hovered < len(self._text):
            return self._hovered
        return self.selected_position()

    # --- the selection and the bars ------------------------------------------------------------

    def selected_position(self) -> int | None:
        """The character whose next-character guesses are drawn (the last one by default)."""
        if not self._text:
            return None
        return self._chosen if self._chosen is not None else len(self._text) - 1

    def select_position(self, t: int) -> None:
        """Draw the guesses after character t (0-based); out of range is ignored. Choosing
        the last character means "follow the last character" as new probes arrive."""
        if self._result is None or not 0 <= int(t) < len(self._text):
            return
        self._chosen = None if int(t) == len(self._text) - 1 else int(t)
        self._refresh_selection()

    def bars(self) -> list[tuple[str, float]]:
        """What is drawn: (character, probability) of the top next characters, most likely
        first. The characters are the vocabulary's own (the axis shows ␣ and ⏎ for them)."""
        return list(self._bars)

    def _char(self, i: int) -> str:
        return char_symbol(self._vocab.chars[i]) if self._vocab is not None and 0 <= i < len(self._vocab) else "?"

    def _refresh_selection(self) -> None:
        t = self.selected_position()
        marks = []
        if t is not None and t < len(self._t_to_doc):
            sel = QtWidgets.QTextEdit.ExtraSelection()
            cursor = QtGui.QTextCursor(self.text_view.document())
            cursor.setPosition(int(self._t_to_doc[t]))
            cursor.movePosition(QtGui.QTextCursor.MoveOperation.NextCharacter,
                                QtGui.QTextCursor.MoveMode.KeepAnchor)
            fmt = QtGui.QTextCharFormat()  # the chosen character: white on dark blue, over any red
            fmt.setBackground(QtGui.QColor(colors.DARK_BLUE))
            fmt.setForeground(QtGui.QColor(colors.ON_DARK))
            sel.cursor, sel.format = cursor, fmt
            marks.append(sel)
        self.text_view.setExtraSelections(marks)
        self._refresh_bars()

    def _refresh_bars(self) -> None:
        t = self.shown_position()
        axis = self.bar_plot.getPlotItem().getAxis("bottom")
        if t is None or self._result is None:
            self._bars = []
            self.bar_item.setOpts(x=np.zeros(0), height=np.zeros(0), brushes=[])
            axis.setTicks([[]])
            self.bar_caption.setText("waiting for the network to read some text (start training, or press Step)")
            return
        probs = np.asarray(self._result.probs[t], dtype=np.float64)
        top = top_next(probs, TOP_K)
        chars = self._vocab.chars
        self._bars = [(chars[i], p) for i, p in top]
        actual = int(self._result.ids[t + 1]) if t + 1 < len(self._result.ids) else None
        look = theme.current()
        brushes = [look.brush(ACTUAL_COLOR if i == actual else BAR_COLOR) for i, _ in top]
        x = np.arange(len(top), dtype=np.float64)
        self.bar_item.setOpts(x=x, height=np.array([p for _, p in top]), width=0.8, brushes=brushes,
                              pens=[pg.mkPen(None)] * len(top))
        axis.setTicks([[(float(k), char_symbol(c)) for k, (c, _) in enumerate(self._bars)]])
        caption = f"after '{char_symbol(self._text[t])}' (position {t}) the network expected:"
        if actual is None:
            caption += " (the last character read: what came next is not known)"
        else:
            p = float(probs[actual]) if 0 <= actual < probs.size else 0.0
            came = f"'{self._char(actual)}' came next ({p:.0%}, {self._surprisal[t + 1]:.1f} bits)"
            caption += f" {came}" + (", orange bar" if any(i == actual for i, _ in top)
                                     else f", not among the top {TOP_K}")
        self.bar_caption.setText(caption)

    # --- messages and export ------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """A message in red in the panel ('' hides it)."""
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def error_text(self) -> str:
        return self.error_label.text()

    def export_image(self, path: str | Path) -> bool:
        """The whole panel as a PNG at twice the screen size. A failure is shown in the
        panel's error label and returns False; nothing is raised."""
        return export_or_report(self, path, self._show_error)


def _legend_html() -> str:
    """'surprise: 0 bits [swatches] 8+ bits'."""
    steps = np.linspace(0.0, colors.MAX_BITS, 9)
    swatches = "".join(f'<span style="background-color:{c};">&nbsp;&nbsp;&nbsp;</span>'
                       for c in colors.surprise_colors(steps))
    return f"surprise: 0 bits {swatches} {colors.MAX_BITS:g}+ bits"


def _letters_axis_height(item: pg.PlotItem, look: theme.Look) -> None:
    """The letters' axis as tall as its font: pyqtgraph grows an axis only after drawing its
    text, and one that started 2 px tall under a squeezed plot never drew it."""
    height = QtGui.QFontMetricsF(look.font(10)).height()
    item.getAxis("bottom").setStyle(autoExpandTextSpace=False, tickTextHeight=math.ceil(height))
