"""ModelPanel: the network's shape (preset, cell, sizes, dropout), device and parameter count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.train.device import available_devices
from rnnlab.core.train.presets import DEFAULT_PRESET, PRESETS, Preset
from rnnlab.gui.look import theme
from rnnlab.gui.look.widgets import spin_box

DEFAULT_VOCAB = 100  # assumed vocabulary size before a text is loaded
LOCK_REASON = "Reset the model to change its shape"
CELL_ITEMS = (("RNN", "rnn"), ("LSTM", "lstm"), ("GRU", "gru"))
DEVICE_LABELS = {"cpu": "CPU", "cuda": "CUDA", "mps": "MPS"}
_DEFAULTS = ModelConfig(vocab_size=1)  # field defaults a preset may leave out

TIPS = {
    "presetCombo": "A ready-made size with matching training settings",
    "cellCombo": "RNN: the plain recurrent cell (forgets quickly).\n"
                 "LSTM / GRU: gated cells that keep information over long stretches of text",
    "hiddenSpin": "Units per layer: the size of the network's memory. More = more capable, slower",
    "layersSpin": "How many recurrent layers are stacked on top of each other",
    "embeddingSpin": "Input: one-hot (each character its own input) or a learnt vector of this size",
    "dropoutSpin": "Randomly silences this share of units between stacked layers while training, "
                   "against over-fitting (no effect with 1 layer)",
    "deviceCombo": "Where training runs: the processor (CPU) or a graphics card",
}


@contextmanager
def _blocked(*widgets: QWidget) -> Iterator[None]:
    """Block the widgets' signals inside the block (restoring their previous state)."""
    before = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, before):
            w.blockSignals(was)


class ModelPanel(QWidget):
    changed = Signal()  # the model configuration changed (by the user or a preset)
    device_changed = Signal(str)  # "cpu" / "cuda" / "mps"
    preset_applied = Signal(object)  # Preset

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._vocab_size: int | None = None
        self._locked = False
        self._build()
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(DEFAULT_PRESET))
        self._apply_fields(PRESETS[DEFAULT_PRESET])
        self._connect()
        self._update()

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.presetCombo = self._named(QComboBox(), "presetCombo")
        for i, preset in enumerate(PRESETS.values()):
            self.presetCombo.addItem(preset.name, preset.name)
            self.presetCombo.setItemData(i, preset.description, Qt.ItemDataRole.ToolTipRole)
        self.presetNoteLabel = QLabel("", self)
        self.presetNoteLabel.setObjectName("presetNoteLabel")
        self.presetNoteLabel.setToolTip("The fields below differ from the preset")
        row = QHBoxLayout()
        row.addWidget(self.presetCombo, 1)
        row.addWidget(self.presetNoteLabel)
        form.addRow("Preset:", row)
        self.cellCombo = self._named(QComboBox(), "cellCombo")
        for text, data in CELL_ITEMS:
            self.cellCombo.addItem(text, data)
        form.addRow("Cell:", self.cellCombo)
        form.addRow("Hidden:", self._spin("hiddenSpin", 1, 4096, " units"))
        form.addRow("Layers:", self._spin("layersSpin", 1, 8))
        form.addRow("Input:", self._spin("embeddingSpin", 0, 1024, "-d embedding", "one-hot"))
        form.addRow("Dropout:", self._dropout_spin())
        self.deviceCombo = self._named(QComboBox(), "deviceCombo")
        for device in available_devices():
            self.deviceCombo.addItem(DEVICE_LABELS.get(device, device.upper()), device)
        form.addRow("Device:", self.deviceCombo)
        self.paramCountLabel = self._named(QLabel(self), "paramCountLabel")
        self.paramCountLabel.setWordWrap(True)
        form.addRow(self.paramCountLabel)

    def _named(self, widget: QWidget, name: str) -> QWidget:
        widget.setObjectName(name)
        widget.setToolTip(TIPS.get(name, ""))
        setattr(self, name, widget)
        return widget

    def _spin(self, name: str, low: int, high: int, suffix: str = "", special: str = "") -> QSpinBox:
        return self._named(spin_box(name, low, high, suffix=suffix, special=special), name)

    def _dropout_spin(self) -> QDoubleSpinBox:
        spin = self._named(QDoubleSpinBox(), "dropoutSpin")
        spin.setRange(0.0, 0.9)
        spin.setSingleStep(0.05)
        spin.setDecimals(2)
        spin.setSpecialValueText("off")
        return spin

    def _connect(self) -> None:
        self.presetCombo.currentIndexChanged.connect(self._on_preset_combo_changed)
        self.presetCombo.activated.connect(self._on_preset_combo_activated)
        self.cellCombo.currentIndexChanged.connect(self._on_field_changed)
        self.deviceCombo.currentIndexChanged.connect(self._on_device_combo_changed)
        for spin in self._shape_spins():
            spin.valueChanged.connect(self._on_field_changed)

    def _shape_spins(self) -> tuple:
        return self.hiddenSpin, self.layersSpin, self.embeddingSpin, self.dropoutSpin

    def _fields(self) -> tuple:
        return self.presetCombo, self.cellCombo, *self._shape_spins()

    # ---- public API -------------------------------------------------------------------

    def model_config(self, vocab_size: int) -> ModelConfig:
        """The configuration in the fields (raises ValueError for an impossible one)."""
        return ModelConfig(vocab_size=vocab_size, cell=self.cellCombo.currentData(),
                           hidden=self.hiddenSpin.value(), layers=self.layersSpin.value(),
                           embedding=self.embeddingSpin.value(),
                           dropout=round(self.dropoutSpin.value(), 2))

    def set_config(self, config: ModelConfig) -> None:
        """Show a configuration (e.g. from an opened checkpoint); emits no signals."""
        self._set_fields(config.cell, config.hidden, config.layers, config.embedding, config.dropout)
        match = next((p for p in PRESETS.values() if self._matches(p)), None)
        if match is not None:
            with QSignalBlocker(self.presetCombo):
                self.presetCombo.setCurrentIndex(self.presetCombo.findData(match.name))
        self.set_vocab_size(config.vocab_size)  # also refreshes the count and the note

    def set_vocab_size(self, n: int | None) -> None:
        """The vocabulary size of the loaded text (None: not known yet)."""
        self._vocab_size = n if n and n > 0 else None
        self._update()

    def apply_preset(self, name: str) -> None:
        """Fill the fields from a preset and emit preset_applied and changed."""
        preset = PRESETS.get(name)
        if preset is None:
            self._show_error(f"Unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
            return
        with QSignalBlocker(self.presetCombo):
            self.presetCombo.setCurrentIndex(self.presetCombo.findData(name))
        self._apply_fields(preset)
        self._update()
        self.preset_applied.emit(preset)
        self.changed.emit()

    def device(self) -> str:
        return self.deviceCombo.currentData() or "cpu"

    def set_locked(self, locked: bool, reason: str = "") -> None:
        """Disable the shape fields (while a model exists) with `reason` as their tooltip."""
        self._locked = locked
        for widget in self._fields():
            widget.setEnabled(not locked)
            widget.setToolTip((reason or LOCK_REASON) if locked else TIPS[widget.objectName()])

    def is_locked(self) -> bool:
        return self._locked

    # ---- internals --------------------------------------------------------------------

    def _apply_fields(self, preset: Preset) -> None:
        m = {**_DEFAULTS.to_dict(), **preset.model}
        self._set_fields(m["cell"], m["hidden"], m["layers"], m["embedding"], m["dropout"])

    def _set_fields(self, cell: str, hidden: int, layers: int, embedding: int, dropout: float) -> None:
        with _blocked(self.cellCombo, *self._shape_spins()):
            self.cellCombo.setCurrentIndex(max(0, self.cellCombo.findData(cell)))
            self.hiddenSpin.setValue(hidden)
            self.layersSpin.setValue(layers)
            self.embeddingSpin.setValue(embedding)
            self.dropoutSpin.setValue(dropout)

    def _matches(self, preset: Preset) -> bool:
        try:
            return self.model_config(1) == preset.model_config(1)
        except ValueError:
            return False

    def _update(self) -> None:
        """Refresh the parameter count and the preset's "modified" note."""
        preset = PRESETS.get(self.presetCombo.currentData())
        self.presetNoteLabel.setText("" if preset is None or self._matches(preset) else "(modified)")
        vocab = self._vocab_size or DEFAULT_VOCAB
        try:
            n = count_parameters(self.model_config(vocab))
        except ValueError as err:
            self._show_error(f"Impossible model: {err}")
            return
        theme.set_text_role(self.paramCountLabel, None)
        if self._vocab_size:
            self.paramCountLabel.setText(f"{n:,} parameters")
            self.paramCountLabel.setToolTip(f"For this text's {vocab} characters")
        else:
            self.paramCountLabel.setText(f"≈ {n:,} parameters")
            self.paramCountLabel.setToolTip(f"Assuming {vocab} different characters until a text is loaded")

    def _show_error(self, message: str) -> None:
        theme.set_text_role(self.paramCountLabel, "error")
        self.paramCountLabel.setText(message)

    @Slot()
    def _on_field_changed(self) -> None:
        self._update()
        self.changed.emit()

    @Slot(int)
    def _on_device_combo_changed(self, _index: int) -> None:
        self.device_changed.emit(self.device())

    @Slot(int)
    def _on_preset_combo_changed(self, index: int) -> None:
        self.apply_preset(self.presetCombo.itemData(index))

    @Slot(int)
    def _on_preset_combo_activated(self, index: int) -> None:
        # Choosing the preset already shown restores its values if fields were edited.
        if self.presetNoteLabel.text():
            self.apply_preset(self.presetCombo.itemData(index))
