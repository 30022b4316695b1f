"""RaceControls: who races (cells, layers, parameter budget), how the CPU is shared, for how long.

A settings form only: `contenders()` turns it into core Contenders (race.py does the
sizing), and the sizes label says at once what each cell's hidden size will be.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6 import QtWidgets
from PySide6.QtCore import Signal

from rnnlab.core.nn.model import CELLS, ModelConfig, count_parameters
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.race import Contender, make_contenders
from rnnlab.gui.look import colors
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.widgets import labelled, spin_box

CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
FAIRNESS_ITEMS = (("equal time", "time"), ("equal steps", "steps"))
DEFAULT_SECONDS = 60
MAX_PARAMS = 50_000_000


class RaceControls(QtWidgets.QWidget):
    changed = Signal()  # the contenders would be different now

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: ModelConfig | None = None
        self._train = TrainConfig()
        self.cell_checks = {}
        for cell in CELLS:
            check = QtWidgets.QCheckBox(CELL_NAMES[cell], objectName=f"raceCell_{cell}", checked=True)
            check.setToolTip(f"Race a {CELL_NAMES[cell]}")
            check.toggled.connect(self._on_changed)
            self.cell_checks[cell] = check
        self.layers_spin = spin_box("raceLayersSpin", 1, 8, 2, tip="Layers of every contender")
        self.params_spin = spin_box("raceParamsSpin", 100, MAX_PARAMS, 100_000, step=10_000,
                                    tip="Parameter budget: each cell gets the hidden size that "
                                        "gives it about this many weights")
        self.params_spin.setGroupSeparatorShown(True)
        self.fair_combo = QtWidgets.QComboBox(objectName="raceFairCombo")
        for label, key in FAIRNESS_ITEMS:
            self.fair_combo.addItem(label, key)
        self.fair_combo.setToolTip("Equal time: each gets the same share of the CPU (fast cells "
                                   "take more steps). Equal steps: each sees the same batches.")
        self.seconds_spin = spin_box("raceSecondsSpin", 2, 3600, DEFAULT_SECONDS, suffix=" s", step=10,
                                     tip="How long the race lasts, training time in all")
        for spin in (self.layers_spin, self.params_spin):
            spin.valueChanged.connect(self._on_changed)
        self.sizes_label = QtWidgets.QLabel(objectName="raceSizesLabel", wordWrap=True)
        row = FlowLayout()
        for widget in (*self.cell_checks.values(), labelled("Layers", self.layers_spin),
                       labelled("Parameters", self.params_spin), labelled("Share", self.fair_combo),
                       labelled("Race for", self.seconds_spin)):
            row.addWidget(widget)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.sizes_label)

    def set_defaults(self, base: ModelConfig, train: TrainConfig) -> None:
        """The main window's model (its size is the budget) and training settings."""
        self._base, self._train = base, train
        for spin, value in ((self.layers_spin, base.layers), (self.params_spin, count_parameters(base))):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._on_changed()

    def configure(self, cells: set[str] | None, seconds: float | None, fair: str | None) -> None:
        """Check exactly `cells`, set the budget and the fairness; None keeps what is set."""
        if cells is not None:
            for cell, check in self.cell_checks.items():
                check.setChecked(cell in cells)
        if seconds is not None:
            self.seconds_spin.setValue(int(seconds))
        if fair is not None and self.fair_combo.findData(fair) >= 0:
            self.fair_combo.setCurrentIndex(self.fair_combo.findData(fair))

    def specs(self) -> list[tuple[str, None, None]]:
        return [(cell, None, None) for cell, check in self.cell_checks.items() if check.isChecked()]

    def contenders(self) -> list[Contender]:
        """Raises ValueError with a message for the user when the form cannot make a race."""
        if self._base is None:
            raise ValueError("open a text in the main window first")
        specs = self.specs()
        if len(specs) < 2:
            raise ValueError("tick at least two cells to race")
        base = replace(self._base, layers=self.layers_spin.value())
        return make_contenders(specs, base, self._train, self.params_spin.value())

    def fairness(self) -> str:
        return self.fair_combo.currentData()

    def seconds(self) -> float:
        return float(self.seconds_spin.value())

    def set_locked(self, locked: bool) -> None:
        for widget in (*self.cell_checks.values(), self.layers_spin, self.params_spin,
                       self.fair_combo, self.seconds_spin):
            widget.setEnabled(not locked)

    def _on_changed(self, *_args) -> None:
        try:
            contenders = self.contenders()
        except ValueError as exc:
            self.sizes_label.setText(str(exc).capitalize() + ".")
        else:
            parts = [f'<b style="color:{colors.ink(colors.RUN_COLORS[k])}">{c.label}</b> '
                     f'({count_parameters(c.model):,})' for k, c in enumerate(contenders)]
            self.sizes_label.setText(" · ".join(parts) + " parameters")
        self.changed.emit()
