"""NeuronHuntPanel: find the hidden units that track one thing in the text.

Some units of a trained character RNN follow something a person can name: being inside
quotes, the depth of brackets, the start of a line (Karpathy, Johnson & Fei-Fei 2015).
The student picks a built-in pattern or types a regular expression; the panel marks the
characters it selects (rnnlab.core.nn.neuron_patterns.pattern_mask), correlates that 0/1 mask with
every unit's activation over the same text and lists the ten units that follow it best
(rank_units, by |r|). Clicking a unit colours the text by that unit's activation.

A pure view, fed `set_probe(ProbeResult)` up to a few times a second while training. The
mask is computed only when the text or the pattern changes, on a LatestJob's thread (a
typed regex runs in a child process that may need up to a second, and must never freeze
the window; a burst of typing never piles up child processes); its result comes back in
the GUI thread, and a result for a text or pattern that is no longer wanted is dropped.
Each new probe only re-correlates the cached mask with the new activations (a few matrix
operations). The pattern view's rich text is made in neuron_hunt_html (no Qt).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from rnnlab.core.nn.neuron_patterns import BUILTIN_PATTERNS, PatternError, pattern_signal, rank_units
from rnnlab.gui.explain.header import ExplainHeader, export_or_report
from rnnlab.gui.explain.neuron_hunt_html import mask_html, mask_summary
from rnnlab.gui.explain.pattern_combo import PatternCombo
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.symbols import char_symbol
from rnnlab.gui.look.widgets import refill_layer_and_quantity
from rnnlab.gui.plots.plot_range import nice_ceil
from rnnlab.gui.workers.latest_job import LatestJob

TOP_UNITS = 10  # units listed
QUANTITY_LABELS = {"h": "hidden h", "c": "cell c"}
EXPLANATION = (
    "Some units learn to track one thing in the text: being inside quotes, the depth of "
    "brackets, the start of a line. Pick a pattern (or type a regular expression): the "
    "characters it selects are marked yellow below. The list ranks the units by how closely "
    "their activation follows the pattern (correlation r, from -1 to 1; a strongly negative r "
    "is as telling as a positive one). Click a unit to see it colour the text: red where its "
    "activation is high, blue where it is low.")

_MaskKey = tuple[str, str]  # (text, pattern)


def _mask_of(text: str, pattern: str) -> np.ndarray:
    """In the LatestJob's thread: the 0/1 (or depth) signal of `pattern` over `text`."""
    return np.asarray(pattern_signal(text, pattern), dtype=np.float64)


def _mask_message(error: Exception | None) -> str | None:
    """What the panel says when a mask could not be made (None when it could)."""
    if error is None:
        return None
    return str(error) if isinstance(error, PatternError) else f"matching failed: {error}"


class NeuronHuntPanel(QtWidgets.QWidget):
    """Pattern chooser, ranked units and the text coloured by the chosen unit."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="neuronHuntPanel")
        self._result = None  # the last ProbeResult
        self._signature: tuple[str, int] | None = None  # (cell, layers) the choosers were built for
        self._pattern = next(iter(BUILTIN_PATTERNS))  # the pattern applied (not what is half-typed)
        self._wanted: _MaskKey | None = None  # the mask asked for last
        self._mask_key: _MaskKey | None = None  # the mask held
        self._mask: np.ndarray | None = None  # None with an error: the pattern cannot be used
        self._mask_error: str | None = None
        self._error = ""
        self._ranking: list[tuple[int, float]] = []
        self._unit: int | None = None
        self._cell_level: float | None = None
        self.unit_html = ""  # the rich text last shown in the unit view
        self.pattern_html = ""  # the rich text last shown in the pattern view
        self._worker = LatestJob("rnnlab-pattern-mask")  # no parent: its thread keeps it alive if the panel goes first
        self._worker.done.connect(self._on_mask_done)
        self.header = ExplainHeader("neuronHunt", EXPLANATION, target=self)
        self._build_controls()
        self._build_views()
        self._build_layout()
        self._set_status("")
        self._refresh_unit_view()

    # --- construction ---------------------------------------------------------------

    def _build_controls(self) -> None:
        self.layer_combo = QtWidgets.QComboBox(objectName="huntLayerCombo")
        self.layer_combo.addItem("layer 1")
        self.layer_combo.setToolTip("Which layer's units to rank")
        self.quantity_combo = QtWidgets.QComboBox(objectName="huntQuantityCombo")
        self.quantity_combo.addItem(QUANTITY_LABELS["h"], "h")
        self.quantity_combo.setToolTip("Rank the units by their hidden state h (or, for an LSTM, its cell c)")
        self.pattern_combo = PatternCombo(self._pattern)
        self.pattern_combo.applied.connect(self._apply)
        self.layer_combo.currentIndexChanged.connect(self._on_trace_changed)
        self.quantity_combo.currentIndexChanged.connect(self._on_trace_changed)

    def _build_views(self) -> None:
        self.error_label = QtWidgets.QLabel(objectName="patternErrorLabel", wordWrap=True)
        theme.set_text_role(self.error_label, "error")
        self.error_label.hide()
        self.status_label = QtWidgets.QLabel(objectName="patternStatusLabel", wordWrap=True)
        theme.set_text_role(self.status_label, "muted")
        self.pattern_view = QtWidgets.QTextEdit(objectName="patternTextView", readOnly=True)
        self.pattern_view.setToolTip("The text the network read; the characters the pattern selects are marked")
        theme.follow_lines(self.pattern_view, minimum=2, maximum=5)
        self.rank_list = QtWidgets.QListWidget(objectName="unitRankList")
        self.rank_list.setToolTip("The units whose activation follows the pattern best; click one")
        theme.follow_lines(self.rank_list, minimum=3)
        theme.follow_mono_font(self.rank_list)
        self.rank_list.currentItemChanged.connect(self._on_current_item_changed)
        self.rank_list.itemClicked.connect(self._on_item_clicked)
        self.caption_label = QtWidgets.QLabel(objectName="huntUnitCaptionLabel", wordWrap=True)
        self.unit_view = QtWidgets.QTextEdit(objectName="huntUnitTextView", readOnly=True)
        self.unit_view.setToolTip("The text coloured by the chosen unit: red high, white 0, blue low")
        theme.follow_lines(self.unit_view, minimum=2)

    def _build_layout(self) -> None:
        controls = FlowLayout()
        for widget in (self.layer_combo, self.quantity_combo, QtWidgets.QLabel("pattern:"), self.pattern_combo):
            controls.addWidget(widget)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addWidget(self.header)
        layout.addLayout(controls)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.pattern_view, 2)  # its whole text (up to 5 lines) where there is room
        layout.addWidget(self.caption_label)
        # the ranking beside the text it colours: stacked, each got 2-3 lines on a 768-px screen
        pair = QtWidgets.QHBoxLayout()
        pair.addWidget(self.rank_list, 2)  # "unit 12   r = +0.83" in full, at presentation size too
        pair.addWidget(self.unit_view, 3)
        layout.addLayout(pair, 3)

    # --- probes in ----------------------------------------------------------------------

    def set_probe(self, result) -> None:
        """Show a rnnlab.core.nn.probe.ProbeResult (called up to a few times a second). The
        mask is only recomputed when the text changed; otherwise this re-ranks (cheap)."""
        try:
            self._result = result
            signature = (result.cell, len(result.layers))
            if signature != self._signature:
                self._signature = signature
                self._rebuild_choosers(*signature)
            self._request_mask()
            self._rerank()
        except Exception as e:  # noqa: BLE001 - a view shows its troubles, it does not raise
            self._show_error(f"cannot show this probe: {e}")

    def clear(self) -> None:
        """Forget the probe (a new model): empty list and views; the pattern is kept."""
        self._result = None
        self._signature = None
        self._wanted = None  # a mask still on its way is dropped
        self._ranking = []
        self._unit = None
        self._cell_level = None
        self.rank_list.clear()
        self.pattern_view.clear()
        self.pattern_html = ""
        self._show_error("")
        self._set_status("")
        self._refresh_unit_view()

    def _rebuild_choosers(self, cell: str, layers: int) -> None:
        """New items for a new cell type / layer count, keeping the user's choice if valid."""
        names = ("h", "c") if cell == "lstm" else ("h",)
        refill_layer_and_quantity(self.layer_combo, self.quantity_combo, layers,
                                  [(QUANTITY_LABELS[name], name) for name in names])
        self._cell_level = None

    def current_array(self) -> np.ndarray | None:
        """The chosen layer's h or c, (T, H), or None before the first probe."""
        if self._result is None or not self._result.layers:
            return None
        trace = self._result.layers[min(max(self.layer_combo.currentIndex(), 0), len(self._result.layers) - 1)]
        data = trace.c if self.quantity_combo.currentData() == "c" else trace.h
        return None if data is None else np.asarray(data)

    def _text(self) -> str | None:
        return None if self._result is None else self._result.text

    def _on_trace_changed(self, _index: int = 0) -> None:
        self._cell_level = None
        self._rerank()

    # --- the pattern ------------------------------------------------------------------------

    def pattern(self) -> str:
        """The pattern in use (a BUILTIN_PATTERNS name or a regular expression)."""
        return self._pattern

    def set_pattern(self, pattern: str) -> None:
        """Use `pattern` as if the user had typed it, without the typing delay. Returns at
        once: the mask (or the error) arrives later from the worker thread."""
        self.pattern_combo.set_pattern(pattern)
        self._apply(pattern)

    def _apply(self, pattern: str) -> None:
        self.pattern_combo.show_tooltip_for(pattern)
        if pattern == self._pattern and self._wanted is not None and self._wanted[1] == pattern:
            return  # already asked for (or holding) this mask
        self._pattern = pattern
        self._request_mask()
        self._rerank()

    def _request_mask(self) -> None:
        """Ask the worker for the mask of (text, pattern) unless it is held or on its way."""
        text = self._text()
        if self._result is None:
            return
        if text is None:
            self._wanted = None
            self._show_error("this probe has no text to match the pattern against")
            return
        if not self._pattern:
            self._wanted = None
            self._show_error("")
            self._set_status("type a pattern, or pick one from the list")
            self._render_pattern_view()
            return
        key = (text, self._pattern)
        if key == self._wanted:
            return
        self._wanted = key
        if key == self._mask_key:  # back to the mask held (e.g. the text came back)
            self._show_mask_state()
            return
        self._show_error("")
        self._set_status("matching…")
        if self._mask_key is None or self._mask_key[0] != text:
            self._render_pattern_view()  # the new text, unmarked until its mask comes
        self._worker.submit(key, lambda _progress: _mask_of(*key))

    def matching(self) -> bool:
        """True while a mask is being computed (the list may still show the last ranking)."""
        return self._wanted is not None and self._wanted != self._mask_key

    def _on_mask_done(self, key: _MaskKey, mask: np.ndarray | None, error: Exception | None) -> None:
        """The worker's answer, on the GUI thread."""
        if key != self._wanted:
            return  # for a text or pattern no longer shown
        self._mask_key, self._mask, self._mask_error = key, mask, _mask_message(error)
        self._show_mask_state()
        self._rerank()

    def _show_mask_state(self) -> None:
        self._show_error(self._mask_error or "")
        mask = self._held_mask()
        self._set_status("" if self._mask_error or mask is None else mask_summary(mask))
        self._render_pattern_view()

    def _held_mask(self) -> np.ndarray | None:
        """The mask for the current text and pattern, None when there is none (yet)."""
        text = self._text()
        if self._mask is None or text is None or self._mask_key != (text, self._pattern):
            return None
        return self._mask

    # --- ranking ------------------------------------------------------------------------------

    def ranking(self) -> list[tuple[int, float]]:
        """The units listed, best first: (unit, r) with r the correlation in [-1, 1]."""
        return list(self._ranking)

    def _rerank(self) -> None:
        """Correlate the held mask with the current activations and refill the list. While a
        new mask is on its way the list keeps the last ranking; a bad pattern empties it."""
        data, mask = self.current_array(), self._held_mask()
        if data is None:
            self._refresh_unit_view()
            return
        if mask is not None:
            n = min(len(mask), data.shape[0])
            self._ranking = rank_units(data[:n], mask[:n], TOP_UNITS) if n else []
            self._fill_list()
        elif self._wanted is None or self._error:
            self._ranking = []
            self._fill_list()
        self._refresh_unit_view()

    def _fill_list(self) -> None:
        """Reuse the rows (no flicker at 4 updates a second); keep the chosen unit's row current."""
        lst = self.rank_list
        lst.blockSignals(True)
        while lst.count() > len(self._ranking):
            lst.takeItem(lst.count() - 1)
        while lst.count() < len(self._ranking):
            lst.addItem(QtWidgets.QListWidgetItem())
        current = -1
        for row, (unit, r) in enumerate(self._ranking):
            item = lst.item(row)
            item.setText(f"unit {unit:<4d} r = {r:+.2f}")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, unit)
            item.setToolTip(f"unit {unit}: correlation {r:+.3f} with the pattern; click to colour the text by it")
            if unit == self._unit:
                current = row
        lst.setCurrentRow(current)
        lst.blockSignals(False)

    # --- the chosen unit ------------------------------------------------------------------------

    def select_unit(self, unit: int | None) -> None:
        """Colour the text by one unit (it stays chosen across probes); None shows nothing."""
        data = self.current_array()
        if unit is not None and (data is None or not 0 <= int(unit) < data.shape[1]):
            return
        self._unit = None if unit is None else int(unit)
        self._fill_list()
        self._refresh_unit_view()

    def selected_unit(self) -> int | None:
        return self._unit

    def _on_current_item_changed(self, current: QtWidgets.QListWidgetItem | None, _previous) -> None:
        if current is not None:
            self.select_unit(current.data(QtCore.Qt.ItemDataRole.UserRole))

    def _on_item_clicked(self, item: QtWidgets.QListWidgetItem) -> None:
        self.select_unit(item.data(QtCore.Qt.ItemDataRole.UserRole))

    def _levels(self, data: np.ndarray) -> tuple[float, float]:
        if self.quantity_combo.currentData() != "c":
            return (-1.0, 1.0)  # tanh-bounded h
        peak = float(np.nanmax(np.abs(data))) if data.size else 1.0
        level = self._cell_level
        if level is None or peak > level or peak < level / 3:  # as the heatmap: no flicker
            self._cell_level = level = nice_ceil(peak)
        return (-level, level)

    def _refresh_unit_view(self) -> None:
        data, text = self.current_array(), self._text()
        if self._unit is not None and data is not None and self._unit >= data.shape[1]:
            self._unit = None  # the new model has fewer units
        if self._unit is None or data is None or text is None:
            self.caption_label.setText("click a unit in the list to colour the text beside it by it")
            self.unit_view.clear()
            self.unit_html = ""
            return
        values = data[:, self._unit]
        text = text[: len(values)]
        r = dict(self._ranking).get(self._unit)
        quantity = QUANTITY_LABELS.get(self.quantity_combo.currentData() or "h", "hidden h")
        caption = f"unit {self._unit} of layer {self.layer_combo.currentIndex() + 1} ({quantity})"
        if r is not None:
            caption += f", r = {r:+.2f} with “{self._pattern}”"
        self.caption_label.setText(caption + ": red = high, white = 0, blue = low")
        symbols = [char_symbol(ch, space=" ") for ch in text]
        self.unit_html = colors.activation_html(symbols, values[: len(symbols)], self._levels(data), True)
        _set_html_keep_scroll(self.unit_view, self.unit_html)

    # --- the pattern view and messages ---------------------------------------------------------

    def _render_pattern_view(self) -> None:
        text = self._text()
        if text is None:
            self.pattern_view.clear()
            self.pattern_html = ""
            return
        mask = self._held_mask()
        self.pattern_html = mask_html(text, mask if mask is not None else np.zeros(len(text), dtype=bool),
                                      colors.MASK_BACKGROUND, colors.MASK_INK)
        _set_html_keep_scroll(self.pattern_view, self.pattern_html)

    def _show_error(self, message: str) -> None:
        self._error = message
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _set_status(self, message: str) -> None:
        if not message and self._result is None:
            message = "waiting for the network to read some text (start training, or press Step)"
        self.status_label.setText(message)
        self.status_label.setVisible(bool(message))

    def error_text(self) -> str:
        """The message shown in red ('' when all is well)."""
        return self._error

    # --- export -------------------------------------------------------------------------------

    def export_image(self, path: str | Path) -> bool:
        """The whole panel as a PNG at twice the screen size. A failure is shown in the
        panel's error label and returns False; nothing is raised."""
        return export_or_report(self, path, self._show_error)


def _set_html_keep_scroll(view: QtWidgets.QTextEdit, rich: str) -> None:
    bar = view.verticalScrollBar()
    where = bar.value()
    view.setHtml(rich)
    bar.setValue(where)
