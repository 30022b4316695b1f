"""TrainingPanel: the run controls and the optimisation settings."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QPushButton, QStyle, QVBoxLayout, QWidget

from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.optim import OPTIMIZERS
from rnnlab.core.train.presets import DEFAULT_PRESET, PRESETS, Preset
from rnnlab.gui.look.widgets import spin_box

# The window measures validation loss often, on a slice, so the curve shows up early and a
# pass costs a fraction of a second; `rnnlab train` measures the whole held-out text. Every
# ~200k training characters (classroom: 48 steps, a few seconds; 200 steps were ~37 s here),
# never more often than 20 steps nor less than 200.
GUI_EVAL_CHARS, GUI_EVAL_TRAIN_CHARS = 30_000, 200_000


def gui_eval_every(batch: int, seq: int) -> int:
    return max(20, min(200, GUI_EVAL_TRAIN_CHARS // max(1, batch * seq)))


UNSHOWN = ("schedule", "warmup_steps", "final_lr", "schedule_steps", "decay_every", "decay_gamma",
           "weight_decay", "momentum")  # TrainConfig fields with no widget, kept from the preset or run
BUDGETS = (("none", "until stopped"), ("steps", "steps"), ("seconds", "seconds"))
PRECISION_CHOICES = (("auto", "auto"), ("fp32", "32-bit float"), ("bf16", "bfloat16"))


class TrainingPanel(QWidget):
    start_pause_clicked = Signal()
    step_clicked = Signal()
    stop_clicked = Signal()
    reset_clicked = Signal()
    lr_changed = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._unshown: dict = {}
        self.button_bar = QWidget(objectName="trainingButtons")  # the window puts it in a toolbar
        self.button_bar.setLayout(self._build_buttons())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_form())
        self.apply_preset(PRESETS[DEFAULT_PRESET])  # as the model panel starts on it

    def _button(self, name: str, text: str, tip: str, signal, icon) -> QPushButton:
        button = QPushButton(self.style().standardIcon(icon), text)
        button.setMinimumWidth(96)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(signal.emit)
        return button

    def _build_buttons(self) -> QHBoxLayout:
        icon = QStyle.StandardPixmap
        self.train_button = self._button("trainButton", "Start", "Start, pause or resume training (Space)",
                                         self.start_pause_clicked, icon.SP_MediaPlay)
        self.step_button = self._button("stepButton", "Step", "Exactly one optimisation step "
                                        "(Ctrl+Right)", self.step_clicked, icon.SP_MediaSkipForward)
        self.stop_button = self._button("stopButton", "Stop", "Stop training; the model is kept "
                                        "(Ctrl+.)", self.stop_clicked, icon.SP_MediaStop)
        self.reset_button = self._button("resetButton", "Reset", "Throw the weights away and start "
                                         "afresh (Ctrl+R)", self.reset_clicked, icon.SP_BrowserReload)
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 2)
        for button in (self.train_button, self.step_button, self.stop_button, self.reset_button):
            row.addWidget(button)
        return row

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.lr_spin = spin_box("lrSpin", 1e-5, 1.0, 2e-3, tip="Learning rate: how big each step is. "
                                "Changeable while training.", decimals=5, step=5e-4)
        self.lr_spin.valueChanged.connect(self.lr_changed.emit)
        self.optimizer_combo = QComboBox(objectName="optimizerCombo")
        for name in OPTIMIZERS:
            self.optimizer_combo.addItem({"adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
                                          "sgd": "SGD + momentum"}[name], name)
        self.batch_spin = spin_box("batchSpin", 1, 1024, 32, tip="Parallel streams of text per step")
        self.seq_spin = spin_box("seqSpin", 1, 2048, 64, tip="Characters per step and stream: how far "
                                   "back gradients flow (truncated BPTT)")
        self.clip_spin = spin_box("clipSpin", 0, 1000, 5, tip="Gradient clipping: largest allowed "
                                    "gradient norm (0 = off)", decimals=1, step=0.5)
        self.threads_spin = spin_box("threadsSpin", 0, os.cpu_count() or 1, 0, special="auto",
                                     tip="CPU threads for training. auto: the fastest count, measured "
                                         "while training, and measured again when another program "
                                         "takes a core")
        self.precision_combo = QComboBox(objectName="precisionCombo")
        for key, label in PRECISION_CHOICES:
            self.precision_combo.addItem(label, key)
        self.precision_combo.setToolTip(
            "auto: bfloat16 where this computer has it built in, it was timed faster here, and it "
            "measured better for the model's size, else 32-bit floats. Checkpoints are always saved in 32-bit")
        form.addRow("Learning rate", self.lr_spin)
        form.addRow("Optimizer", self.optimizer_combo)
        form.addRow("Batch", self.batch_spin)
        form.addRow("Sequence", self.seq_spin)
        form.addRow("Clip", self.clip_spin)
        self.carry_check = QCheckBox("carry hidden state", objectName="carryHiddenCheck")
        self.carry_check.setChecked(True)
        self.carry_check.setToolTip(
            "On: each window of text starts from the state the previous one ended in (char-rnn).\n"
            "Off: every window starts from zero, so the model learns to start from scratch;\n"
            "the tiny hello-world demo uses this so that a one-letter prime works.")
        form.addRow("", self.carry_check)
        form.addRow("Budget", self._build_budget())
        form.addRow("Threads", self.threads_spin)
        form.addRow("Precision", self.precision_combo)
        return form

    def _build_budget(self) -> QHBoxLayout:
        self.budget_combo = QComboBox(objectName="budgetCombo")
        for key, label in BUDGETS:
            self.budget_combo.addItem(label, key)
        self.budget_spin = spin_box("budgetSpin", 1, 10_000_000, 1000, tip="How many steps or seconds")
        self.budget_spin.setEnabled(False)
        # sized for 10,000,000 it made the settings column 50 px wider than any other row
        # needs, which a 1024-px window's plots paid for; it still grows into spare room
        self.budget_spin.setMinimumWidth(self.budget_spin.fontMetrics().horizontalAdvance("00000") + 40)
        self.budget_combo.currentIndexChanged.connect(
            lambda: self.budget_spin.setEnabled(self.budget_combo.currentData() != "none"))
        row = QHBoxLayout()
        row.addWidget(self.budget_combo)
        row.addWidget(self.budget_spin)
        return row

    # ----- reading and writing settings -----
    def train_config(self, device: str) -> TrainConfig:
        return TrainConfig(batch=self.batch_spin.value(), seq=self.seq_spin.value(),
                           lr=self.lr_spin.value(), optimizer=self.optimizer_combo.currentData(),
                           clip=self.clip_spin.value(), carry_hidden=self.carry_check.isChecked(),
                           device=device,
                           threads=self.threads_spin.value(), precision=self.precision_combo.currentData(),
                           eval_every=gui_eval_every(self.batch_spin.value(), self.seq_spin.value()),
                           eval_max_chars=GUI_EVAL_CHARS, **self._unshown)

    def budget(self) -> dict:
        """Keyword arguments for the worker: max_steps / max_seconds, or nothing."""
        kind = self.budget_combo.currentData()
        return {} if kind == "none" else {f"max_{kind}": self.budget_spin.value()}

    def set_budget(self, budget: dict) -> None:
        """{} (until stopped), {"steps": N} or {"seconds": S}."""
        kind, amount = next(iter(budget.items()), ("none", None))
        self.budget_combo.setCurrentIndex(self.budget_combo.findData(kind))
        if amount is not None:
            self.budget_spin.setValue(int(round(amount)))

    def budget_spec(self) -> dict:
        """The budget as {"steps": N}, {"seconds": S} or {} (until stopped)."""
        return {k.removeprefix("max_"): v for k, v in self.budget().items()}

    def apply_preset(self, preset: Preset) -> None:
        self.set_config(preset.train_config())

    def set_config(self, config: TrainConfig) -> None:
        # The schedule's shape has no field here, but trains as the preset (or run) says.
        self._unshown = {name: getattr(config, name) for name in UNSHOWN}
        self.lr_spin.blockSignals(True)
        self.lr_spin.setValue(config.lr)
        self.lr_spin.blockSignals(False)
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(config.optimizer))
        self.batch_spin.setValue(config.batch)
        self.seq_spin.setValue(config.seq)
        self.clip_spin.setValue(config.clip)
        self.carry_check.setChecked(config.carry_hidden)
        self.precision_combo.setCurrentIndex(self.precision_combo.findData(config.precision))

    def set_state(self, state: str) -> None:
        """Buttons for "idle" (no model yet), "ready" (model, not running), "running", "paused"."""
        self.train_button.setText({"running": "Pause", "paused": "Resume"}.get(state, "Start"))
        self.train_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if state == "running" else QStyle.StandardPixmap.SP_MediaPlay))
        self.step_button.setEnabled(state != "running")
        self.stop_button.setEnabled(state in ("running", "paused"))
        self.reset_button.setEnabled(state != "idle")
        active = state in ("running", "paused")
        # The run's shape is fixed once a model exists (Reset to change it); lr stays live.
        for widget in (self.optimizer_combo, self.batch_spin, self.seq_spin, self.clip_spin,
                       self.carry_check, self.precision_combo):
            widget.setEnabled(state == "idle")
            widget.setToolTip(widget.toolTip().split("\n")[0] + (
                "" if state == "idle" else "\n(Reset the model to change this)"))
        self.budget_combo.setEnabled(not active)
        self.budget_spin.setEnabled(not active and self.budget_combo.currentData() != "none")
        self.threads_spin.setEnabled(not active)
