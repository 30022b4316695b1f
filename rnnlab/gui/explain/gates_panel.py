"""GatesPanel: how the LSTM's or GRU's gates behave over the text, one scatter per gate.

Each dot is one unit: x = the fraction of characters where its gate is nearly shut
(< 0.1), y = the fraction where it is wide open (> 0.9) (Karpathy, Johnson and Fei-Fei,
"Visualizing and Understanding Recurrent Networks", 2015). Dots near the top-left corner
are gates that are almost always open, e.g. forget gates of units that remember for a long
time; dots near the diagonal switch hard between shut and open. A pure view: fed
`set_probe(ProbeResult)`; the fractions come from rnnlab.core.nn.gate_saturation.gate_saturation.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from rnnlab.core.nn.gate_saturation import gate_saturation
from rnnlab.core.nn.probe import GATE_NAMES
from rnnlab.gui.explain.header import ExplainHeader
from rnnlab.gui.look import colors

GATE_TITLES = {"i": "input gate i", "f": "forget gate f", "o": "output gate o",
               "r": "reset gate r", "z": "update gate z"}
SATURATING = {"lstm": ("i", "f", "o"), "gru": ("r", "z")}  # the sigmoid gates (g and n are tanh)
EXPLANATION = (
    "Gates are valves between 0 (shut) and 1 (open). Each dot is one unit: how often its gate "
    "was nearly shut (< 0.1, to the right) and how often wide open (> 0.9, upwards) over the text. "
    "Dots high on the left: gates open almost all the time (a forget gate there keeps its memory "
    "for long). Dots near the diagonal line switch hard between shut and open. The per-character "
    "picture of each gate is in the Hidden state tab.")
NO_GATES = "A vanilla RNN has no gates: choose LSTM or GRU in the Model panel to see them."


class GatesPanel(QtWidgets.QWidget):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="gatesPanel")
        self._result = None
        self.header = ExplainHeader("gates", EXPLANATION, self)
        self.layer_combo = QtWidgets.QComboBox(objectName="gatesLayerCombo")
        self.layer_combo.addItem("layer 1")
        self.layer_combo.currentIndexChanged.connect(self._redraw)
        self.message = QtWidgets.QLabel(objectName="gatesMessageLabel", wordWrap=True)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("gateSaturationPlots")
        colors.style_view(self.plots)
        self.plots.setMinimumSize(240, 160)
        self._scatters: dict[str, pg.ScatterPlotItem] = {}
        self._cell: str | None = None
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("layer"))
        row.addWidget(self.layer_combo)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.plots, 1)
        self.clear()

    # --- data in ---
    def set_probe(self, result) -> None:
        self._result = result
        layers = len(result.layers)
        if self.layer_combo.count() != layers:
            keep = min(self.layer_combo.currentIndex(), layers - 1)
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            self.layer_combo.addItems([f"layer {k + 1}" for k in range(layers)])
            self.layer_combo.setCurrentIndex(max(keep, 0))
            self.layer_combo.blockSignals(False)
        self._redraw()

    def clear(self) -> None:
        self._result = None
        self._build_plots(None)
        self.message.setText("Train or open a model to see its gates.")
        self.message.show()

    def saturation(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """gate -> (fraction shut, fraction open) per unit, for the chosen layer."""
        r = self._result
        if r is None or r.cell not in SATURATING:
            return {}
        trace = r.layers[min(self.layer_combo.currentIndex(), len(r.layers) - 1)]
        return {g: gate_saturation(trace.gates[g]) for g in SATURATING[r.cell] if g in trace.gates}

    def export_image(self, path: str) -> None:
        self.header.export_png(path)

    # --- drawing ---
    def _build_plots(self, cell: str | None) -> None:
        if cell == self._cell and (cell is None or self._scatters):
            return
        self._cell = cell
        self.plots.clear()
        self._scatters = {}
        for col, gate in enumerate(SATURATING.get(cell, ())):
            plot = self.plots.addPlot(row=0, col=col)
            colors.style_axes(plot)
            colors.set_title(plot, GATE_TITLES[gate], 10)
            colors.set_label(plot, "bottom", "shut", 10)
            colors.set_label(plot, "left", "open", 10)
            plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.03)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            colors.style_pen(plot.plot([0, 1], [1, 0]), colors.GUIDE, 1, dash=True)
            scatter = pg.ScatterPlotItem()
            colors.style_scatter(scatter, colors.BLUE, 7)
            plot.addItem(scatter)
            self._scatters[gate] = scatter

    def _redraw(self) -> None:
        r = self._result
        if r is None:
            return
        if r.cell not in SATURATING:
            self._build_plots(None)
            self.message.setText(NO_GATES if not GATE_NAMES.get(r.cell) else "")
            self.message.show()
            return
        self.message.hide()
        self._build_plots(r.cell)
        for gate, (shut, open_) in self.saturation().items():
            self._scatters[gate].setData(shut, open_)
