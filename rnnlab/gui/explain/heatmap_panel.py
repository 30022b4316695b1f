"""HeatmapPanel: the network's hidden state over a window of real text, units x time.

A pure view: `set_probe(ProbeResult)` gives it everything the model computed while reading
the text (rnnlab.core.nn.probe); the user picks a layer and a quantity (h, LSTM c and gates,
GRU gates). Rows are units, columns are characters. The window is at most MAX_CHARS
characters: wider, and one character would be too thin to see or label.

The ImageItem keeps pyqtgraph's default column-major order: data[t, unit] is drawn at
x = t, y = unit, so a (T, H) trace is shown as is, without a transpose.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers pg.exporters)
from PySide6 import QtCore, QtWidgets

from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.symbols import char_symbol
from rnnlab.gui.look.widgets import refill_layer_and_quantity
from rnnlab.gui.plots.heatmap_view import HeatmapView
from rnnlab.gui.plots.plot_range import nice_ceil

MAX_CHARS = 120  # longest window shown; longer texts are cut
TEXT_DEBOUNCE_MS = 300  # wait for the user to stop typing before asking for a new probe

# key -> (combo label, how to read it, kind); kind: "tanh" [-1, 1], "gate" [0, 1], "cell" adaptive
QUANTITIES = {
    "h": ("hidden h", "Each row is one hidden unit, each column one character of the text; colour = "
          "the unit's value h after reading that character (blue negative, white 0, red positive).", "tanh"),
    "c": ("cell c", "Cell state c: the LSTM's memory, one row per unit. It is not squashed, so it can "
          "go past ±1; the colour scale follows its largest value (blue negative, red positive).", "cell"),
    "i": ("input gate i", "Input gate i: how much new information each unit writes into its memory at "
          "each character (white 0 = nothing, dark 1 = everything).", "gate"),
    "f": ("forget gate f", "Forget gate f: how much of its memory each unit keeps from one character "
          "to the next (white 0 = forget, dark 1 = keep).", "gate"),
    "g": ("candidate g", "Candidate g: the new values the LSTM could write into memory at each "
          "character (blue negative, white 0, red positive).", "tanh"),
    "o": ("output gate o", "Output gate o: how much of its memory each unit shows as h at each "
          "character (white 0 = hidden, dark 1 = shown).", "gate"),
    "r": ("reset gate r", "Reset gate r: how much of the previous h each unit uses for its candidate "
          "(white 0 = none, dark 1 = all).", "gate"),
    "z": ("update gate z", "Update gate z: how much of its previous h each unit keeps (dark 1 = keep "
          "the old value, white 0 = take the candidate).", "gate"),
    "n": ("candidate n", "Candidate n: the new value each unit could take at each character "
          "(blue negative, white 0, red positive).", "tanh"),
}
CELL_QUANTITIES = {"rnn": ("h",), "lstm": ("h", "c", "i", "f", "g", "o"), "gru": ("h", "r", "z", "n")}
SOURCES = ("validation snippet", "my text")


class HeatmapPanel(QtWidgets.QWidget):
    """Units x time heatmap with layer / quantity choosers, hover read-out and unit focus."""

    probe_text_changed = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._result = None  # the last ProbeResult
        self._signature: tuple[str, int] | None = None  # (cell, layers) the choosers were built for
        self._default_text = ""
        self._emitted_text: str | None = None
        self._unit: int | None = None
        self._hover: tuple[int, int] | None = None
        self._cell_level: float | None = None
        self.unit_html = ""  # the rich text last shown in the unit view
        self._build_controls()
        self.view = HeatmapView(self._on_image_hovered, self.select_unit)
        self.view_widget, self.image_item = self.view.widget, self.view.image
        self._build_labels()
        self._build_layout()
        self._on_quantity_changed()
        self._refresh_hover()
        self._refresh_unit_view()

    # --- construction ---------------------------------------------------------------

    def _build_controls(self) -> None:
        self.layer_combo = QtWidgets.QComboBox(objectName="heatmapLayerCombo")
        self.layer_combo.addItem("layer 1")
        self.quantity_combo = QtWidgets.QComboBox(objectName="heatmapQuantityCombo")
        self.quantity_combo.addItem(QUANTITIES["h"][0], "h")
        self.source_combo = QtWidgets.QComboBox(objectName="heatmapSourceCombo")
        self.source_combo.addItems(SOURCES)
        self.source_combo.setToolTip("Which text the network reads for this picture")
        self.text_edit = QtWidgets.QLineEdit(objectName="heatmapTextEdit")
        self.text_edit.setMaxLength(MAX_CHARS)
        self.text_edit.setPlaceholderText(f"type your own text (up to {MAX_CHARS} characters)")
        self.text_edit.setClearButtonEnabled(True)
        theme.follow_min_width(self.text_edit, 200)
        self._text_timer = QtCore.QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._emit_if_changed)
        self.layer_combo.currentIndexChanged.connect(self._on_layer_changed)
        self.quantity_combo.currentIndexChanged.connect(self._on_quantity_changed)
        self.source_combo.currentIndexChanged.connect(self._on_source_changed)
        self.text_edit.textEdited.connect(self._on_text_edited)

    def _build_labels(self) -> None:
        self.explain_label = QtWidgets.QLabel(objectName="heatmapExplainLabel", wordWrap=True)
        theme.set_text_role(self.explain_label, "muted")
        self.hover_label = QtWidgets.QLabel(objectName="heatmapHoverLabel")
        theme.follow_min_width(self.hover_label, 200)
        self.caption_label = QtWidgets.QLabel(objectName="unitCaptionLabel")
        self.caption_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self.unit_view = QtWidgets.QTextEdit(objectName="unitTextView", readOnly=True)
        self.unit_view.setToolTip("The text coloured by the selected unit (click a row of the heatmap)")
        theme.follow_lines(self.unit_view, fixed=3)

    def _build_layout(self) -> None:
        controls = FlowLayout()
        self.source_label = QtWidgets.QLabel("text:")
        for widget in (self.layer_combo, self.quantity_combo, self.source_label, self.source_combo,
                       self.text_edit):
            controls.addWidget(widget)
        readout = FlowLayout(spacing=24)  # the read-out and the unit's caption: apart, or they read as one
        readout.addWidget(self.hover_label)
        readout.addWidget(self.caption_label)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addLayout(controls)
        layout.addWidget(self.explain_label)
        layout.addWidget(self.view_widget, 1)
        layout.addLayout(readout)
        layout.addWidget(self.unit_view)

    # --- text source --------------------------------------------------------------------

    def set_default_text(self, text: str) -> None:
        """The validation snippet (cut to MAX_CHARS) shown unless the user typed a text."""
        self._default_text = text[:MAX_CHARS]
        self._emit_if_changed()

    def clear(self) -> None:
        """No model: the empty map, no unit followed, no read-out."""
        self._result, self._unit, self._hover, self._cell_level = None, None, None, None
        self.view.clear()
        self._refresh_hover()
        self._refresh_unit_view()

    def probe_text(self) -> str:
        """The text to probe: the user's text when chosen and not empty, else the snippet."""
        own = self.text_edit.text()[:MAX_CHARS]
        return own if self.source_combo.currentIndex() == 1 and own else self._default_text

    def _on_text_edited(self, _text: str) -> None:
        if self.source_combo.currentIndex() != 1:
            self.source_combo.blockSignals(True)  # typing means "use my text"; the timer emits
            self.source_combo.setCurrentIndex(1)
            self.source_combo.blockSignals(False)
        self._text_timer.start()

    def _on_source_changed(self, _index: int) -> None:
        self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        text = self.probe_text()
        if text and text != self._emitted_text:
            self._emitted_text = text
            self.probe_text_changed.emit(text)

    # --- probes in ----------------------------------------------------------------------

    def set_probe(self, result) -> None:
        """Show a rnnlab.core.nn.probe.ProbeResult (called up to a few times a second)."""
        self._result = result
        signature = (result.cell, len(result.layers))
        if signature != self._signature:
            self._signature = signature
            self._rebuild_choosers(*signature)
        self._redraw()

    def _rebuild_choosers(self, cell: str, layers: int) -> None:
        """New items for a new cell type / layer count, keeping the user's choice if valid."""
        refill_layer_and_quantity(self.layer_combo, self.quantity_combo, layers,
                                  [(QUANTITIES[name][0], name) for name in CELL_QUANTITIES.get(cell, ("h",))])
        self._update_explanation()

    def current_array(self) -> np.ndarray | None:
        """The chosen quantity, (T, H), or None before the first probe."""
        if self._result is None:
            return None
        trace = self._result.layers[min(self.layer_combo.currentIndex(), len(self._result.layers) - 1)]
        key = self.quantity_combo.currentData() or "h"
        data = trace.h if key == "h" else trace.c if key == "c" else trace.gates.get(key)
        return None if data is None else data[:MAX_CHARS]  # a longer probe shows its start

    def _kind(self) -> str:
        return QUANTITIES[self.quantity_combo.currentData() or "h"][2]

    def levels(self) -> tuple[float, float]:
        """Fixed colour levels for the current quantity (c: symmetric, grown / shrunk in steps)."""
        kind = self._kind()
        if kind == "gate":
            return (0.0, 1.0)
        if kind == "tanh":
            return (-1.0, 1.0)
        data = self.current_array()
        peak = float(np.nanmax(np.abs(data))) if data is not None and data.size else 1.0
        level = self._cell_level
        if level is None or peak > level or peak < level / 3:  # hysteresis: no flicker
            self._cell_level = level = nice_ceil(peak)
        return (-level, level)

    def _redraw(self) -> None:
        data = self.current_array()
        if data is None:
            return
        self.view.show(data, self.levels(), self._kind() != "gate", self._result.text or "")
        self._refresh_hover()
        self._refresh_unit_view()

    # --- choosers -----------------------------------------------------------------------

    def _on_layer_changed(self, _index: int) -> None:
        self._redraw()

    def _on_quantity_changed(self, _index: int = 0) -> None:
        self._update_explanation()
        self._redraw()

    def _update_explanation(self) -> None:
        self.explain_label.setText(QUANTITIES[self.quantity_combo.currentData() or "h"][1])

    # --- hover and unit focus -------------------------------------------------------------

    def describe_at(self, t: int, unit: int) -> str:
        """'unit 12 · t=34 'e' · 0.53' for the current quantity, '' outside the image."""
        data = self.current_array()
        if data is None or not (0 <= t < data.shape[0] and 0 <= unit < data.shape[1]):
            return ""
        text = self._result.text or ""
        ch = char_symbol(text[t]) if t < len(text) else "?"
        return f"unit {unit} · t={t} '{ch}' · {data[t, unit]:.2f}"

    def _on_image_hovered(self, where: tuple[int, int] | None) -> None:
        self._hover = where
        self._refresh_hover()

    def _refresh_hover(self) -> None:
        text = self.describe_at(*self._hover) if self._hover else ""
        self.hover_label.setText(text or ("point at the heatmap to read a value" if self._unit is not None
                                          else "point to read a value, click a row to follow a unit"))

    def select_unit(self, unit: int | None) -> None:
        """Follow one unit (a row): colour the text by it; it stays selected across probes."""
        data = self.current_array()
        if unit is not None and data is not None and not 0 <= unit < data.shape[1]:
            return
        self._unit = unit
        self._refresh_unit_view()

    def selected_unit(self) -> int | None:
        return self._unit

    def _refresh_unit_view(self) -> None:
        data = self.current_array()
        if self._unit is not None and data is not None and self._unit >= data.shape[1]:
            self._unit = None  # the new model has fewer units
        self.view.highlight_row(self._unit)
        if self._unit is None or data is None:
            self.caption_label.setText("")  # the hover line says how (one line, not two)
            self.caption_label.hide()
            self._refresh_hover()
            self.unit_view.clear()
            self.unit_view.hide()  # room for the heatmap until a unit is chosen
            self.unit_html = ""
            return
        label = QUANTITIES[self.quantity_combo.currentData() or "h"][0]
        self.caption_label.setText(f"unit {self._unit} of layer {self.layer_combo.currentIndex() + 1} ({label})")
        self.caption_label.show()
        self._refresh_hover()
        text = (self._result.text or "")[: data.shape[0]]
        symbols = [char_symbol(ch, space=" ") for ch in text]
        self.unit_html = colors.activation_html(symbols, data[: len(text), self._unit],
                                                self.levels(), self._kind() != "gate")
        self.unit_view.setHtml(self.unit_html)
        self.unit_view.show()

    # --- export -------------------------------------------------------------------------------

    def export_image(self, path: str) -> None:
        """The heatmap with its axes and colour bar as a PNG, at twice the screen size (for slides)."""
        exporter = pg.exporters.ImageExporter(self.view.plot)
        width = int(exporter.parameters()["width"])
        exporter.parameters()["width"] = 2 * max(width, 1)  # the height follows the aspect ratio
        exporter.export(str(path))
