"""StepThroughPanel: a tiny model (16 units or fewer) reads a text one character at a time,
and every number of the cell's equations is on screen.

    Next char -> (first time, or after the text changed) one snapshot of the model, then
                 char_step.step_char over the whole text (milliseconds for a tiny model)
              -> the CharStep for the next position is drawn:

    x_t | h_{t-1} | c_{t-1}                 the inputs of the chosen layer
    W_ih x_t + b_ih | W_hh h_{t-1} + b_hh   the two matrix products (one row per gate)
    i | f | g | o   (or r | z | n)          the gates
    c_t | h_t                               the new state
    top 10 next characters                  softmax(W_out h_t + b_out) of the top layer

All the steps are computed when the walk starts, so each picture's colour levels are
fixed and symmetric for the whole text (red positive, white 0, blue negative): a colour
means the same number at every character. The equation label shows the cell's formulas
(the same as probe.py's) and the chosen unit's numbers put into them.

Computation runs on the GUI thread: a step of a 16-unit model is well under a millisecond.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Slot

from rnnlab.core.data.vocab import Vocabulary, format_chars
from rnnlab.core.nn.char_step import CharStep, step_char
from rnnlab.core.nn.model import CharRNN
from rnnlab.core.nn.probe import GATE_NAMES
from rnnlab.core.nn.surprisal import top_next
from rnnlab.gui.explain.header import ExplainHeader, export_or_report
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.symbols import show_char

ModelSource = Callable[[], "tuple[CharRNN, Vocabulary] | None"]

MAX_UNITS = 16
MAX_TEXT = 200  # characters stepped through (all computed when the walk starts)
TOP_K = 10
TITLE_PX = 18
BARS_MIN_HEIGHT = 80
DEFAULT_TEXT = "hello world"

NO_MODEL = "Train or open a model first, then press Next char."
TOO_BIG = ("Step-through shows tiny models (16 units or fewer): choose the 'micro' preset or set "
           "Hidden to 16 or fewer")

EXPLANATION = (
    "Type a text and press Next char: the network reads one character, mixes it with what it "
    "remembered (its state h), produces a new state and a guess for the next character. Each "
    "small picture is a vector or a matrix of numbers: red is positive, blue negative, white zero "
    "(colours span −1 to 1 unless a title gives another range, such as ±3)."
)

GATE_TITLES = {  # short: four pictures share a row in a narrow window
    "i": "i (input)", "f": "f (forget)", "g": "g (candidate)", "o": "o (output)",
    "r": "r (reset)", "z": "z (update)", "n": "n (candidate)",
}

# --- the formulas (as in probe.py's rnn_step / lstm_step / gru_step docstrings) ------------

_X, _H1, _C1 = "x<sub>t</sub>", "h<sub>t−1</sub>", "c<sub>t−1</sub>"
_HT, _CT, _YT = "h<sub>t</sub>", "c<sub>t</sub>", "y<sub>t</sub>"


def _w(sub: str) -> str:
    return f"W<sub>{sub}</sub>"


def _b(sub: str) -> str:
    return f"b<sub>{sub}</sub>"


def _gate_formula(name: str, fn: str, note: str) -> str:
    return (f"{name} = {fn}({_w('i' + name)} {_X} + {_b('i' + name)} + {_w('h' + name)} {_H1} + "
            f"{_b('h' + name)})&nbsp;&nbsp;<i>{note}</i>")


FORMULAS = {
    "rnn": [f"{_HT} = tanh({_w('ih')} {_X} + {_b('ih')} + {_w('hh')} {_H1} + {_b('hh')})"],
    "lstm": [
        _gate_formula("i", "σ", "input gate: how much new to write"),
        _gate_formula("f", "σ", "forget gate: how much of c to keep"),
        _gate_formula("g", "tanh", "candidate values to write"),
        _gate_formula("o", "σ", "output gate: how much of c to show"),
        f"{_CT} = f * {_C1} + i * g",
        f"{_HT} = o * tanh({_CT})",
    ],
    "gru": [
        _gate_formula("r", "σ", "reset gate"),
        _gate_formula("z", "σ", "update gate: how much of h to keep"),
        f"n = tanh({_w('in')} {_X} + {_b('in')} + r * ({_w('hn')} {_H1} + {_b('hn')}))&nbsp;&nbsp;<i>candidate</i>",
        f"{_HT} = (1 − z) * n + z * {_H1}",
    ],
}
OUTPUT_FORMULAS = [f"{_YT} = {_w('out')} {_HT} + {_b('out')}", f"p = softmax({_YT})"]


def _num(v: float, paren: bool = False) -> str:
    """-0.4 -> "−0.40"; in a sum (paren) a negative number is bracketed."""
    text = f"{v:.2f}".replace("-", "−")
    return f"({text})" if paren and v < 0 else text


def nice_level(value: float) -> float:
    """A round level >= |value| (at least 1): 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, ..."""
    value = abs(float(value))
    if not np.isfinite(value) or value <= 1.0:
        return 1.0
    scale = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * scale >= value * (1 - 1e-9):
            return float(step * scale)
    return float(10 * scale)


# --- pictures --------------------------------------------------------------------------------


def _set_title(plot: pg.PlotItem, title: str) -> None:
    """A small title in a short row (pyqtgraph's own row is 30 px: too much for a 1-row strip)."""
    colors.set_title(plot, title, 8, row_px=TITLE_PX)


def _px(pixels: float) -> int:
    """A size in pixels of the normal look, grown with the fonts in presentation mode."""
    return round(pixels * theme.current().font_scale)


def _style_plot(plot: pg.PlotItem, left_width: int) -> None:
    """Axis colours and 9 pt labels of the look; the left axis `left_width` px wide (scaled)."""
    colors.style_axes(plot, tick_font=lambda look: look.font(9))
    theme.follow(plot, lambda p, _look: p.getAxis("left").setWidth(_px(left_width)))


class _Picture:
    """A titled heatmap of a vector (one row) or a small matrix, with a fixed symmetric level."""

    def __init__(self, layout: pg.GraphicsLayout, row_labels: tuple[str, ...] = ()) -> None:
        self.plot = layout.addPlot()
        plot = self.plot
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.invertY(True)  # row 0 on top
        plot.getViewBox().setDefaultPadding(0.0)
        plot.setContentsMargins(1, 1, 1, 1)
        plot.hideAxis("bottom")
        self.rows = max(len(row_labels), 1)
        _style_plot(plot, 14)
        if row_labels:
            axis = plot.getAxis("left")
            axis.setStyle(tickLength=0)
            axis.setTicks([[(k + 0.5, name) for k, name in enumerate(row_labels)], []])
        else:
            plot.hideAxis("left")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colors.diverging_map())
        plot.addItem(self.image)
        self.marker = QtWidgets.QGraphicsRectItem()
        self.marker.setZValue(10)
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        plot.setMinimumWidth(30)
        theme.follow(self, _Picture._restyle)

    @property
    def min_height(self) -> int:
        """The title, and at least 12 px a row (more in presentation mode)."""
        return _px(TITLE_PX) + _px(12) * self.rows

    def _restyle(self, look: theme.Look) -> None:
        self.marker.setPen(look.pen("#000000", 2))
        self.plot.setMinimumHeight(self.min_height)
        self.plot.setMaximumHeight(self.min_height + _px(22) * self.rows)

    def set_title(self, title: str) -> None:
        _set_title(self.plot, title)

    def show(self, data: np.ndarray, level: float, unit: int | None = None) -> None:
        data = np.atleast_2d(np.asarray(data, dtype=np.float32))
        self.image.setImage(data, autoLevels=False, levels=(-level, level))
        self.plot.setRange(xRange=(0, data.shape[1]), yRange=(0, data.shape[0]), padding=0.0)
        if unit is not None and 0 <= unit < data.shape[1]:
            self.marker.setRect(QtCore.QRectF(unit, 0.0, 1.0, data.shape[0]))
            self.marker.show()
        else:
            self.marker.hide()

    def clear(self) -> None:
        self.image.clear()
        self.marker.hide()


class _Bars:
    """The top next characters as bars, characters as tick labels, y fixed to [0, 1]."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.plot = layout.addPlot()
        plot = self.plot
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setContentsMargins(1, 1, 1, 1)
        _style_plot(plot, 28)
        plot.getAxis("left").setTicks([[(0.0, "0"), (0.5, ".5"), (1.0, "1")], []])
        plot.setYRange(0.0, 1.0, padding=0.02)
        plot.setXRange(-0.5, TOP_K - 0.5, padding=0.0)
        _set_title(plot, "top 10 next characters")
        plot.setMinimumWidth(120)
        self.bars = pg.BarGraphItem(x=np.arange(TOP_K), height=np.zeros(TOP_K), width=0.75, pen=None)
        plot.addItem(self.bars)
        self._top: list[tuple[str, float]] = []
        self._actual: str | None = None
        theme.follow(self, _Bars._restyle)

    def _restyle(self, look: theme.Look) -> None:
        self.plot.setMinimumHeight(_px(BARS_MIN_HEIGHT))
        self._colour()

    def _colour(self) -> None:
        look = theme.current()
        blue, orange = look.brush(colors.BLUE), look.brush(colors.ORANGE)
        brushes = [orange if ch == self._actual else blue for ch, _ in self._top]
        self.bars.setOpts(brushes=brushes + [blue] * (TOP_K - len(self._top)))

    def show(self, top: list[tuple[str, float]], actual: str | None) -> None:
        heights = np.zeros(TOP_K)
        heights[:len(top)] = [p for _, p in top]
        self._top, self._actual = list(top), actual
        self.bars.setOpts(height=heights)
        self._colour()
        ticks = [(k, show_char(ch)) for k, (ch, _) in enumerate(top)]
        self.plot.getAxis("bottom").setTicks([ticks, []])
        title = "top 10 next characters"
        if actual is not None:
            title += f"; orange = {html.escape(repr(show_char(actual)))}, the text's next"
        _set_title(self.plot, title)

    def clear(self) -> None:
        self._top, self._actual = [], None
        self.bars.setOpts(height=np.zeros(TOP_K))
        self._colour()
        self.plot.getAxis("bottom").setTicks([[], []])
        _set_title(self.plot, "top 10 next characters")


# --- the panel ---------------------------------------------------------------------------------


class StepThroughPanel(QtWidgets.QWidget):
    """One character at a time through a tiny model (see the module docstring)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepThroughPanel")
        self._source: ModelSource | None = None
        self._model: CharRNN | None = None
        self._vocab: Vocabulary | None = None
        self._text = ""  # the text the steps were computed for
        self._steps: list[CharStep] = []
        self._levels: list[dict[str, float]] = []  # per layer: picture group -> level
        self._position = 0
        self._prepared = False
        self._too_big = False
        self._signature: tuple | None = None  # (cell, embedding?) the pictures were built for
        self._pictures: dict[str, _Picture] = {}
        self._picture_rows: list[list[str]] = []  # the pictures' keys, row by row
        self._bars: _Bars | None = None
        self._build()
        theme.follow(self, lambda panel, _look: panel._fit_plots_height())
        self._show_message("")
        self._refresh()

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.header = ExplainHeader("stepThrough", EXPLANATION, self)
        self.text_edit = QtWidgets.QLineEdit(DEFAULT_TEXT, objectName="stepTextEdit")
        self.text_edit.setMaxLength(MAX_TEXT)
        self.text_edit.setMinimumWidth(120)
        self.text_edit.setToolTip(f"The text the network reads, one character per Next (up to {MAX_TEXT})")
        self.layer_combo = QtWidgets.QComboBox(objectName="stepLayerCombo")
        self.layer_combo.addItem("layer 1")
        self.layer_combo.setToolTip("Which layer's equations and numbers to show")
        self.unit_spin = QtWidgets.QSpinBox(objectName="stepUnitSpin")
        self.unit_spin.setRange(0, MAX_UNITS - 1)
        self.unit_spin.setPrefix("unit ")
        self.unit_spin.setToolTip("The unit whose numbers are put into the equations (outlined in black)")
        self.next_button = QtWidgets.QPushButton("Next char", objectName="stepNextButton")
        self.next_button.setToolTip("Read the next character of the text")
        self.reset_button = QtWidgets.QPushButton("Back to start", objectName="stepResetButton")
        self.reset_button.setToolTip("Take the current weights and start again from an empty memory")
        self.position_label = QtWidgets.QLabel(objectName="stepPositionLabel")

        self.message_label = QtWidgets.QLabel(objectName="stepMessageLabel", wordWrap=True)
        theme.set_text_role(self.message_label, "error")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.equation_label = QtWidgets.QLabel(objectName="stepEquationLabel", wordWrap=True)
        self.equation_label.setTextFormat(Qt.TextFormat.RichText)
        self.equation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.equation_label.setMinimumWidth(100)
        self.equation_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("stepPlots")
        self.plots.setBackground("w")
        colors.style_view(self.plots)
        self.plots.setMinimumHeight(120)
        self.plots.setMinimumWidth(200)
        self.plots.ci.setSpacing(2)
        self.plots.ci.setContentsMargins(2, 2, 2, 2)

        text_box = QtWidgets.QWidget()
        text_row = QtWidgets.QHBoxLayout(text_box)
        text_row.setContentsMargins(0, 0, 0, 0)
        text_row.setSpacing(4)
        text_row.addWidget(QtWidgets.QLabel("Text:", buddy=self.text_edit))
        text_row.addWidget(self.text_edit)
        controls = FlowLayout()
        for widget in (text_box, self.layer_combo, self.unit_spin, self.next_button, self.reset_button,
                       self.position_label):
            controls.addWidget(widget)

        # The equations scroll (they are tall in a narrow window); a splitter shares the height.
        self.equation_scroll = QtWidgets.QScrollArea(objectName="stepEquationScroll", widgetResizable=True)
        self.equation_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.equation_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.equation_scroll.setWidget(self.equation_label)
        self.equation_scroll.setMinimumHeight(60)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Vertical, objectName="stepSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.equation_scroll)
        self.splitter.addWidget(self.plots)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([240, 360])

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addLayout(controls)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)

        self.next_button.clicked.connect(self._on_next_clicked)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.text_edit.textEdited.connect(self._on_text_edited)
        self.text_edit.returnPressed.connect(self._on_next_clicked)
        self.layer_combo.currentIndexChanged.connect(self._on_view_changed)
        self.unit_spin.valueChanged.connect(self._on_view_changed)

    def _build_pictures(self, cell: str, embedded: bool) -> None:
        """The pictures for a cell type, one GraphicsLayout row per group."""
        self.plots.clear()
        self._pictures = {}
        gates = GATE_NAMES[cell]
        gate_rows = gates if gates else ()
        rows: list[list[tuple[str, tuple[str, ...]]]] = [
            [("x", ()), ("h_prev", ())] + ([("c_prev", ())] if cell == "lstm" else []),
            [("from_x", gate_rows), ("from_h", gate_rows)],
        ]
        if gates:
            rows.append([(name, ()) for name in gates])
        rows.append(([("c", ())] if cell == "lstm" else []) + [("h", ())])
        for r, row in enumerate(rows):
            sub = self.plots.ci.addLayout(row=r, col=0)
            sub.setSpacing(2)
            sub.setContentsMargins(0, 0, 0, 0)
            for key, labels in row:
                self._pictures[key] = _Picture(sub, labels)
        self._picture_rows = [[key for key, _ in row] for row in rows]
        bars_row = self.plots.ci.addLayout(row=len(rows), col=0)
        bars_row.setContentsMargins(0, 0, 0, 0)
        self._bars = _Bars(bars_row)
        self._fit_plots_height()
        self._signature = (cell, embedded)

    def _fit_plots_height(self, *_args) -> None:
        """The view does not pass its scene's minimum on: without this the splitter could
        squeeze the pictures down to their titles."""
        rows = self._picture_rows
        height = sum(max(self._pictures[key].min_height for key in row) + 8 for row in rows if row)
        self.plots.setMinimumHeight(max(120, height + _px(BARS_MIN_HEIGHT) + 24) if rows else 120)

    # ---- public API -------------------------------------------------------------------

    def set_model_source(self, source: ModelSource | None) -> None:
        """`source()` returns a CPU snapshot (model, vocabulary), or None when there is no
        model; it is called on Back to start, and on Next when a walk (re)starts."""
        self._source = source

    def reset(self) -> bool:
        """Take a fresh snapshot and go back to the start of the text (nothing read yet).
        False, with the reason shown in the panel, when the walk cannot start."""
        self._prepared = False
        self._steps, self._levels, self._position = [], [], 0
        ok = self._prepare()
        self._refresh()
        return ok

    def next_char(self) -> bool:
        """Read the next character; False at the end of the text or when it cannot read."""
        if not self._prepared or self.text_edit.text()[:MAX_TEXT] != self._text:
            if not self.reset():
                return False
        if self._position >= len(self._steps):
            self._refresh()
            return False
        self._position += 1
        self._refresh()
        return True

    def position(self) -> int:
        """How many characters have been read (0 = at the start)."""
        return self._position

    def current_step(self) -> CharStep | None:
        """The step of the last character read, or None at the start."""
        return self._steps[self._position - 1] if self._position > 0 else None

    def current_layer(self) -> int:
        return max(self.layer_combo.currentIndex(), 0)

    def message(self) -> str:
        return self.message_label.text()

    def export_image(self, path: str) -> bool:
        """Save the panel as a PNG; a failure is shown in the panel. True on success."""
        return export_or_report(self, path, self._show_message)

    # ---- preparing a walk -------------------------------------------------------------------

    def _prepare(self) -> bool:
        """Snapshot, checks, and every step of the text; messages say what went wrong."""
        self._model = self._vocab = None
        self._text = text = self.text_edit.text()[:MAX_TEXT]
        try:
            got = self._source() if self._source is not None else None
        except Exception as err:  # noqa: BLE001 - a failing source must not take the panel down
            return self._fail(f"Cannot get the model: {type(err).__name__}: {err}")
        if got is None:
            self._too_big = False
            return self._fail(NO_MODEL)
        model, vocab = got
        config = model.config
        self._too_big = config.hidden > MAX_UNITS
        if self._too_big:
            return self._fail(f"{TOO_BIG} (this model has {config.hidden} units per layer), "
                              f"then press Back to start.")
        if config.vocab_size != len(vocab):
            return self._fail(f"The model expects {config.vocab_size} characters but the vocabulary "
                              f"has {len(vocab)}.")
        if not text:
            return self._fail("Type a text to step through.")
        missing = vocab.missing(text)
        if missing and vocab.unknown_id is None:
            return self._fail(f"These characters are not in the model's vocabulary: "
                              f"{format_chars(missing)}. Remove them from the text.")
        try:
            ids = vocab.encode(text)
            steps, hidden = [], None
            for char_id in ids:
                steps.append(step_char(model, int(char_id), hidden))
                hidden = steps[-1].hidden
        except Exception as err:  # noqa: BLE001
            return self._fail(f"Cannot step through the text: {type(err).__name__}: {err}")
        self._model, self._vocab, self._steps = model, vocab, steps
        self._levels = [self._layer_levels(k, embedded=bool(config.embedding))
                        for k in range(config.layers)]
        self._sync_choosers(config.layers, config.hidden)
        signature = (config.cell, bool(config.embedding))
        if signature != self._signature:
            self._build_pictures(*signature)
        self._prepared = True
        self._show_message("")
        return True

    def _fail(self, message: str) -> bool:
        self._steps, self._levels, self._position = [], [], 0
        self._show_message(message)
        return False

    def _layer_levels(self, k: int, embedded: bool) -> dict[str, float]:
        """Fixed symmetric levels for layer k over the whole text."""
        layers = [step.layers[k] for step in self._steps]
        pre = max(float(np.abs(np.concatenate([s.from_x, s.from_h])).max()) for s in layers)
        levels = {"pre": nice_level(pre), "unit": 1.0, "x": 1.0, "c": 1.0}
        if layers[0].c is not None:
            levels["c"] = nice_level(max(float(np.abs(np.concatenate([s.c, s.c_prev])).max()) for s in layers))
        if k == 0 and embedded:
            levels["x"] = nice_level(max(float(np.abs(s.x).max()) for s in layers))
        return levels

    def _sync_choosers(self, layers: int, hidden: int) -> None:
        if self.layer_combo.count() != layers:
            keep = self.layer_combo.currentIndex()
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            self.layer_combo.addItems([f"layer {k + 1}" for k in range(layers)])
            self.layer_combo.setCurrentIndex(keep if 0 <= keep < layers else 0)
            self.layer_combo.blockSignals(False)
        self.unit_spin.blockSignals(True)
        self.unit_spin.setMaximum(hidden - 1)
        self.unit_spin.blockSignals(False)

    # ---- showing ------------------------------------------------------------------------------

    def _refresh(self) -> None:
        self._update_buttons()
        self._update_position_label()
        self._update_equations()
        self._update_pictures()

    def _update_buttons(self) -> None:
        at_end = self._prepared and self._position >= len(self._steps) \
            and self.text_edit.text()[:MAX_TEXT] == self._text
        self.next_button.setEnabled(not self._too_big and not at_end)
        if self._too_big:
            self.next_button.setToolTip("Only models with 16 units or fewer per layer can be stepped through")
        elif at_end:
            self.next_button.setToolTip("The end of the text: press Back to start to read it again")
        else:
            self.next_button.setToolTip("Read the next character of the text")

    def _update_position_label(self) -> None:
        text, n = self._text, len(self._steps)
        if not self._prepared or self.text_edit.text()[:MAX_TEXT] != self._text:
            label = "press Next char to start reading"
        elif self._position == 0:
            label = f"at the start: Next reads {show_char(text[0])!r} (1 of {n})"
        else:
            label = f"reading {show_char(text[self._position - 1])!r} ({self._position} of {n})"
            if self._position == n:
                label += ", the end"
        self.position_label.setText(label)

    def _update_equations(self) -> None:
        if self._model is None and self._signature is None:
            self.equation_label.setText("The equations of the model's cell, with its numbers, appear here "
                                        "once it reads a character.")
            return
        cell = self._model.config.cell if self._model is not None else self._signature[0]
        k = self.current_layer()
        lines = [f"<b>{cell.upper()} cell, layer {k + 1}</b>" + (
            "" if k == 0 else f" (its input x<sub>t</sub> is layer {k}'s new h<sub>t</sub>)")]
        lines += FORMULAS[cell] + ["&nbsp;&nbsp;&nbsp;&nbsp;".join(OUTPUT_FORMULAS)]
        step = self.current_step()
        if step is not None and k < len(step.layers):
            lines.append("")
            lines += self._numbers(cell, step, k, min(self.unit_spin.value(), step.layers[k].h.size - 1))
        self.equation_label.setText("<br>".join(lines))

    def _numbers(self, cell: str, step: CharStep, k: int, u: int) -> list[str]:
        """The chosen unit's numbers put into the formulas."""
        s, size = step.layers[k], step.layers[k].h.size
        ch = show_char(self._vocab.chars[step.char_id]) if self._vocab is not None else "?"
        out = [f"<b>Unit {u}, after reading {html.escape(repr(ch))}:</b>"]
        if cell == "rnn":
            a, b = float(s.from_x[u]), float(s.from_h[u])
            out.append(f"{_HT}[{u}] = tanh({_num(a)} + {_num(b, True)}) = tanh({_num(a + b)}) = {_num(float(s.h[u]))}")
        elif cell == "lstm":
            for j, name in enumerate(GATE_NAMES["lstm"]):
                a, b = float(s.from_x[j * size + u]), float(s.from_h[j * size + u])
                fn = "tanh" if name == "g" else "σ"
                out.append(f"{name} = {fn}({_num(a)} + {_num(b, True)}) = {fn}({_num(a + b)}) = "
                           f"{_num(float(s.gates[name][u]))}")
            i, f, g, o = (float(s.gates[n][u]) for n in ("i", "f", "g", "o"))
            cp, c, h = float(s.c_prev[u]), float(s.c[u]), float(s.h[u])
            out.append(f"{_CT} = f * {_C1} + i * g = {_num(f)} × {_num(cp, True)} + {_num(i)} × {_num(g, True)} "
                       f"= {_num(c)}")
            out.append(f"{_HT} = o * tanh({_CT}) = {_num(o)} × tanh({_num(c)}) = {_num(h)}")
        else:
            r, z, n = (float(s.gates[name][u]) for name in ("r", "z", "n"))
            for j, name in enumerate(("r", "z")):
                a, b = float(s.from_x[j * size + u]), float(s.from_h[j * size + u])
                out.append(f"{name} = σ({_num(a)} + {_num(b, True)}) = σ({_num(a + b)}) = "
                           f"{_num(float(s.gates[name][u]))}")
            a, b = float(s.from_x[2 * size + u]), float(s.from_h[2 * size + u])
            out.append(f"n = tanh({_num(a)} + {_num(r)} × {_num(b, True)}) = tanh({_num(a + r * b)}) = {_num(n)}")
            hp, h = float(s.h_prev[u]), float(s.h[u])
            out.append(f"{_HT} = (1 − z) * n + z * {_H1} = {_num(1 - z)} × {_num(n, True)} + "
                       f"{_num(z)} × {_num(hp, True)} = {_num(h)}")
        if self._vocab is not None:
            best = ", ".join(f"{html.escape(repr(show_char(self._vocab.chars[i])))} {p:.0%}"
                             for i, p in top_next(step.probs, 3))
            out.append(f"p, most likely next: {best}")
        return out

    def _update_pictures(self) -> None:
        if not self._pictures:
            return
        step = self.current_step()
        k = self.current_layer()
        if step is None or k >= len(step.layers) or self._model is None:
            for picture in self._pictures.values():
                picture.clear()
            if self._bars is not None:
                self._bars.clear()
            self._title_pictures(k, None)
            return
        s, levels = step.layers[k], self._levels[k]
        u = self.unit_spin.value()
        size = s.h.size
        gates = GATE_NAMES[self._model.config.cell]
        rows = max(len(gates), 1)
        shown = {
            "x": (s.x, levels["x"], u if k > 0 else None),
            "h_prev": (s.h_prev, levels["unit"], u),
            "from_x": (s.from_x.reshape(rows, size), levels["pre"], u),
            "from_h": (s.from_h.reshape(rows, size), levels["pre"], u),
            "h": (s.h, levels["unit"], u),
        }
        if s.c is not None:
            shown["c_prev"] = (s.c_prev, levels["c"], u)
            shown["c"] = (s.c, levels["c"], u)
        for name in gates:
            shown[name] = (s.gates[name], levels["unit"], u)
        for key, picture in self._pictures.items():
            if key in shown:
                picture.show(*shown[key])
        self._title_pictures(k, step)
        if self._bars is not None:
            chars = self._vocab.chars
            top = [(chars[i], p) for i, p in top_next(step.probs, TOP_K)]
            actual = self._text[self._position] if self._position < len(self._text) else None
            self._bars.show(top, actual)

    def _title_pictures(self, k: int, step: CharStep | None) -> None:
        levels = self._levels[k] if k < len(self._levels) else {"x": 1.0, "pre": 1.0, "unit": 1.0, "c": 1.0}

        def scale(key: str) -> str:  # colours span ±1 unless said
            return "" if levels[key] == 1.0 else f" <span style='color:#777'>±{levels[key]:g}</span>"

        if k > 0:
            x_title = f"{_X} = layer {k}'s h<sub>t</sub>"
        elif self._signature is not None and self._signature[1]:
            x_title = f"{_X}: embedding"
        else:
            x_title = f"{_X}: one-hot"
        if step is not None and k == 0 and self._vocab is not None:
            x_title += f" {html.escape(repr(show_char(self._vocab.chars[step.char_id])))}"
        titles = {
            "x": x_title + scale("x"),
            "h_prev": f"{_H1} (memory)",
            "c_prev": f"{_C1}" + scale("c"),
            "from_x": f"{_w('ih')} {_X} + {_b('ih')}" + scale("pre"),
            "from_h": f"{_w('hh')} {_H1} + {_b('hh')}" + scale("pre"),
            "h": f"{_HT} (new state)",
            "c": f"{_CT} (new cell)" + scale("c"),
        }
        titles.update({name: GATE_TITLES[name] for name in GATE_TITLES})
        for key, picture in self._pictures.items():
            picture.set_title(titles.get(key, key))

    def _show_message(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    # ---- user actions ---------------------------------------------------------------------------

    @Slot()
    def _on_next_clicked(self) -> None:
        if self.next_button.isEnabled():
            self.next_char()

    @Slot()
    def _on_reset_clicked(self) -> None:
        self.reset()

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._update_buttons()  # a new text can be read from its start
        self._update_position_label()

    @Slot()
    def _on_view_changed(self, *_args) -> None:
        self._update_equations()
        self._update_pictures()
