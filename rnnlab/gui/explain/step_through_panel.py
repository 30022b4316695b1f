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

The parts: step_walk.py (the walk through the text, no Qt), step_formulas.py (the
equations and titles as rich text, no Qt), step_pictures.py (the pyqtgraph pictures);
this widget wires them to the controls.

Computation runs on the GUI thread: a step of a 16-unit model is well under a millisecond.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Slot

from rnnlab.core.nn.char_step import CharStep
from rnnlab.core.nn.probe import GATE_NAMES
from rnnlab.core.nn.surprisal import top_next
from rnnlab.gui.explain.header import ExplainHeader, export_or_report
from rnnlab.gui.explain.step_formulas import NO_EQUATIONS, equations_html, picture_titles
from rnnlab.gui.explain.step_pictures import BARS_MIN_HEIGHT, TOP_K, NextCharBars, StepHeatmap, scaled_px
from rnnlab.gui.explain.step_walk import (
    MAX_TEXT,
    MAX_UNITS,
    READING,
    ModelRequest,
    ModelSource,
    StepWalk,
    request_copy,
)
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.flow_layout import FlowLayout

DEFAULT_TEXT = "hello world"

EXPLANATION = (
    "Type a text and press Next char: the network reads one character, mixes it with what it "
    "remembered (its state h), produces a new state and a guess for the next character. Each "
    "small picture is a vector or a matrix of numbers: red is positive, blue negative, white zero "
    "(colours span −1 to 1 unless a title gives another range, such as ±3)."
)


class StepThroughPanel(QtWidgets.QWidget):
    """One character at a time through a tiny model (see the module docstring)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepThroughPanel")
        self._walk = StepWalk()
        self._request: ModelRequest | None = None
        self._signature: tuple | None = None  # (cell, embedding?) the pictures were built for
        self._pictures: dict[str, StepHeatmap] = {}
        self._picture_rows: list[list[str]] = []  # the pictures' keys, row by row
        self._bars: NextCharBars | None = None
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
                self._pictures[key] = StepHeatmap(sub, labels)
        self._picture_rows = [[key for key, _ in row] for row in rows]
        bars_row = self.plots.ci.addLayout(row=len(rows), col=0)
        bars_row.setContentsMargins(0, 0, 0, 0)
        self._bars = NextCharBars(bars_row)
        self._fit_plots_height()
        self._signature = (cell, embedded)

    def _fit_plots_height(self, *_args) -> None:
        """The view does not pass its scene's minimum on: without this the splitter could
        squeeze the pictures down to their titles."""
        rows = self._picture_rows
        height = sum(max(self._pictures[key].min_height for key in row) + 8 for row in rows if row)
        self.plots.setMinimumHeight(max(120, height + scaled_px(BARS_MIN_HEIGHT) + 24) if rows else 120)


    # ---- public API -------------------------------------------------------------------

    def set_model_source(self, request: ModelRequest | None) -> None:
        """`request(then, fail)` answers with a CPU snapshot (model, vocabulary), or None
        when there is no model (see step_walk.ModelRequest); it is asked on Back to start,
        and on Next when a walk (re)starts."""
        self._request = request

    def reset(self) -> bool:
        """Take a fresh snapshot and go back to the start of the text (nothing read yet).
        False, with the reason shown in the panel, when the walk cannot start (or not yet:
        the model is still being read)."""
        return self._begin(advance=False)

    def next_char(self) -> bool:
        """Read the next character; False at the end of the text or when it cannot read."""
        if self._walk.is_stale(self.text_edit.text()):
            return self._begin(advance=True)
        read = self._walk.advance()
        self._refresh()
        return read

    def _begin(self, advance: bool) -> bool:
        outcome: list[bool] = []
        if not request_copy(self._request, lambda source: outcome.append(self._restart(source, advance))):
            self._show_message(READING)
            self.next_button.setEnabled(False)
            self.position_label.clear()  # never "press Next char" beside a disabled button
        return outcome == [True]

    def _restart(self, source: ModelSource, advance: bool) -> bool:
        self._walk.source = source
        message = self._walk.start(self.text_edit.text())
        if not message:
            config = self._walk.model.config
            self._sync_choosers(config.layers, config.hidden)
            signature = (config.cell, bool(config.embedding))
            if signature != self._signature:
                self._build_pictures(*signature)
        self._show_message(message)
        read = not message and (not advance or self._walk.advance())
        self._refresh()
        return read

    def position(self) -> int:
        """How many characters have been read (0 = at the start)."""
        return self._walk.position

    def current_step(self) -> CharStep | None:
        """The step of the last character read, or None at the start."""
        return self._walk.current_step()

    def current_layer(self) -> int:
        return max(self.layer_combo.currentIndex(), 0)

    def message(self) -> str:
        return self.message_label.text()

    def export_image(self, path: str) -> bool:
        """Save the panel as a PNG; a failure is shown in the panel. True on success."""
        return export_or_report(self, path, self._show_message)

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
        at_end = self._walk.at_end(self.text_edit.text())
        too_big = self._walk.too_big
        self.next_button.setEnabled(not too_big and not at_end)
        if too_big:
            self.next_button.setToolTip("Only models with 16 units or fewer per layer can be stepped through")
        elif at_end:
            self.next_button.setToolTip("The end of the text: press Back to start to read it again")
        else:
            self.next_button.setToolTip("Read the next character of the text")

    def _update_position_label(self) -> None:
        self.position_label.setText(self._walk.position_text(self.text_edit.text()))

    def _update_equations(self) -> None:
        model = self._walk.model
        if model is None and self._signature is None:
            self.equation_label.setText(NO_EQUATIONS)
            return
        cell = model.config.cell if model is not None else self._signature[0]
        self.equation_label.setText(equations_html(cell, self.current_layer(), self.current_step(),
                                                   self.unit_spin.value(), self._walk.chars))

    def _update_pictures(self) -> None:
        if not self._pictures:
            return
        step = self.current_step()
        k = self.current_layer()
        model = self._walk.model
        if step is None or k >= len(step.layers) or model is None:
            for picture in self._pictures.values():
                picture.clear()
            if self._bars is not None:
                self._bars.clear()
            self._title_pictures(k, None)
            return
        s, levels = step.layers[k], self._walk.levels[k]
        u = self.unit_spin.value()
        size = s.h.size
        gates = GATE_NAMES[model.config.cell]
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
            chars = self._walk.chars
            top = [(chars[i], p) for i, p in top_next(step.probs, TOP_K)]
            self._bars.show(top, self._walk.upcoming_char())

    def _title_pictures(self, k: int, step: CharStep | None) -> None:
        embedded = self._signature is not None and self._signature[1]
        titles = picture_titles(k, self._walk.layer_levels(k), embedded, step, self._walk.chars,
                                colors.STEP_LEVEL_NOTE)
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
