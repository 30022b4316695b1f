"""TemperaturePanel: the same start text sampled at several temperatures, side by side.

    Generate -> one model snapshot (copied once, eval mode, shared read-only by the columns)
             -> column k: SamplingWorker k in its own QThread, SampleSettings(temperature=T_k,
                same prime, length and seed) -> chunk(str) ... finished / failed
             -> appended to the column's QPlainTextEdit as it arrives

The columns (sample_columns.py) run in parallel, one SamplingWorker per column, so they
grow together.
"""

from __future__ import annotations

import copy
import math
import re

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN
from rnnlab.core.nn.sampler import SamplerError, SampleSettings, prime_ids
from rnnlab.gui.explain.header import ExplainHeader, export_or_report
from rnnlab.gui.explain.step_walk import READING, ModelRequest, ModelSource, request_copy
from rnnlab.gui.look import theme
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.widgets import labelled, spin_box
from rnnlab.gui.panels.sample_columns import SampleColumns
from rnnlab.gui.workers.sampling_worker import CHUNK_INTERVAL, SHUTDOWN_MS

NO_MODEL = "Train or open a model first."
DEFAULT_TEMPERATURES = "0.2, 0.5, 1.0, 1.5"
MAX_COLUMNS = 6
MAX_TEMPERATURE = 5.0
MAX_SEED = 2**31 - 1
MAX_LENGTH = 20_000

EXPLANATION = (
    "The same start text, sampled at several temperatures side by side. At a low temperature "
    "the network picks its favourite next character almost every time: safe, but repetitive. "
    "At a high temperature it takes more chances: more varied, with more mistakes. Every column "
    "uses the same seed, so only the temperature differs."
)


class TemperatureError(ValueError):
    """A temperatures text that cannot be used."""


def parse_temperatures(text: str) -> list[float]:
    """"0.2, 0.5 1.0" -> [0.2, 0.5, 1.0]: 1 to MAX_COLUMNS numbers in (0, MAX_TEMPERATURE],
    separated by commas, semicolons or spaces. Raises TemperatureError with a message."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise TemperatureError("type 1 to 6 temperatures, e.g. 0.2, 0.5, 1.0, 1.5")
    if len(parts) > MAX_COLUMNS:
        raise TemperatureError(f"at most {MAX_COLUMNS} temperatures, not {len(parts)}")
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise TemperatureError(f"'{part}' is not a number") from None
        if not (math.isfinite(value) and 0.0 < value <= MAX_TEMPERATURE):
            raise TemperatureError(f"each temperature must be above 0 and at most {MAX_TEMPERATURE:g}, "
                                   f"not {part}")
        values.append(value)
    return values


class TemperaturePanel(QtWidgets.QWidget):
    """Side-by-side samples at several temperatures (see the module docstring)."""

    chunk_received = Signal(int, str)  # column, new characters (after they are shown)
    running_changed = Signal(bool)

    def __init__(self, parent: QtWidgets.QWidget | None = None,
                 chunk_interval: float = CHUNK_INTERVAL) -> None:
        super().__init__(parent)
        self.setObjectName("temperaturePanel")
        self._source: ModelRequest | None = None
        self._chunk_interval = chunk_interval
        self._running = False
        self._temperature_error = False  # the error label shows a temperatures message
        self._build()
        self._set_columns(parse_temperatures(DEFAULT_TEMPERATURES))

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.header = ExplainHeader("temperature", EXPLANATION, self)
        self.prime_edit = QtWidgets.QLineEdit(objectName="tempPrimeEdit")
        self.prime_edit.setPlaceholderText("start from a new line")
        self.prime_edit.setToolTip("Text the network reads before it starts writing; "
                                   "empty = start from a new line")
        self.prime_edit.setMinimumWidth(90)
        self.length_spin = spin_box("tempLengthSpin", 1, MAX_LENGTH, 300, suffix=" chars", step=100,
                                    tip="How many characters each column generates")
        self.temperatures_edit = QtWidgets.QLineEdit(DEFAULT_TEMPERATURES, objectName="temperaturesEdit")
        self.temperatures_edit.setToolTip(f"1 to {MAX_COLUMNS} temperatures above 0 and at most "
                                          f"{MAX_TEMPERATURE:g}, separated by commas: one column each")
        self.temperatures_edit.setMinimumWidth(120)
        self.seed_spin = spin_box("tempSeedSpin", 0, MAX_SEED, 0,
                                  tip="The seed every column uses: the same seed and temperature "
                                      "always give the same text")
        self.generate_button = QtWidgets.QPushButton("Generate", objectName="tempGenerateButton")
        self.generate_button.setToolTip("Generate at every temperature")
        self.error_label = QtWidgets.QLabel(objectName="temperatureErrorLabel", wordWrap=True)
        theme.set_text_role(self.error_label, "error")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        controls = FlowLayout()
        for widget in (labelled("Start with:", self.prime_edit), labelled("Length:", self.length_spin),
                       labelled("Temperatures:", self.temperatures_edit), labelled("Seed:", self.seed_spin),
                       self.generate_button):
            controls.addWidget(widget)

        self.splitter = SampleColumns("temperatureColumns", "temp", self, self._chunk_interval)
        self.splitter.chunk_received.connect(self.chunk_received)
        self.splitter.running_changed.connect(self._set_running)
        self.splitter.failed.connect(self._on_column_failed)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addLayout(controls)
        layout.addWidget(self.error_label)
        layout.addWidget(self.splitter, 1)

        self.generate_button.clicked.connect(self._on_generate_clicked)
        self.prime_edit.returnPressed.connect(self._on_return)
        self.temperatures_edit.returnPressed.connect(self._on_return)
        self.temperatures_edit.textEdited.connect(self._on_temperatures_edited)

    def _set_columns(self, temperatures: list[float]) -> None:
        self.splitter.set_titles([(f"T = {t:g}", f"Sampled at temperature {t:g}") for t in temperatures])

    # ---- public API -------------------------------------------------------------------

    def set_model_source(self, request: ModelRequest | None) -> None:
        """`request(then, fail)` answers with a CPU snapshot (model, vocabulary), or None
        when there is no model (see step_walk.ModelRequest); it is asked once per Generate."""
        self._source = request

    def temperatures(self) -> list[float]:
        """The temperatures typed, or [] when the text is not valid (the label says why)."""
        try:
            return parse_temperatures(self.temperatures_edit.text())
        except TemperatureError:
            return []

    def settings(self, temperature: float) -> SampleSettings:
        return SampleSettings(prime=self.prime_edit.text(), length=self.length_spin.value(),
                              temperature=temperature, seed=self.seed_spin.value())

    def generate(self) -> bool:
        """Start every column (restarting any still running). False, with the reason in the
        error label, when it cannot start."""
        try:
            temperatures = parse_temperatures(self.temperatures_edit.text())
        except TemperatureError as err:
            self._show_error(f"Temperatures: {err}.", temperature=True)
            return False
        outcome: list[bool] = []
        if not request_copy(self._source, lambda source: outcome.append(self._start(source, temperatures))):
            self._show_error(READING)
            return True  # on its way: the columns start when the copy arrives
        return outcome == [True]

    def _start(self, source: ModelSource, temperatures: list[float]) -> bool:
        snapshot = self._snapshot(source)
        if snapshot is None:
            return False
        model, vocab = snapshot
        try:
            for temp in temperatures:
                self.settings(temp).check()
            if model.config.vocab_size != len(vocab):
                raise SamplerError(f"the model expects {model.config.vocab_size} characters "
                                   f"but the vocabulary has {len(vocab)}")
            prime_ids(vocab, self.prime_edit.text())  # unknown characters: one message, not one per column
        except SamplerError as err:
            self._show_error(f"Cannot generate: {err}.")
            return False
        self._hide_error()
        self._set_columns(temperatures)
        self.splitter.start([(model, vocab, self.settings(t)) for t in temperatures])
        return True

    def stop(self) -> None:
        """Ask every column to stop after its current character (they report back)."""
        self.splitter.stop()

    def is_running(self) -> bool:
        return self._running

    def outputs(self) -> list[str]:
        return self.splitter.outputs()

    def threads(self) -> list[QtCore.QThread]:
        """The sampling threads made so far (for tests and diagnostics)."""
        return self.splitter.threads()

    def shutdown(self, timeout_ms: int = SHUTDOWN_MS) -> bool:
        """Stop every column and end every thread; True if all ended in time."""
        return self.splitter.shutdown(timeout_ms)

    def export_image(self, path: str) -> bool:
        """Save the panel as a PNG; a failure is shown in the panel. True on success."""
        return export_or_report(self, path, self._show_error)

    @Slot(str)
    def _on_column_failed(self, message: str) -> None:
        shown = self.error_label.text()
        if self.error_label.isHidden() or message not in shown:  # several columns: once
            self._show_error(message if self.error_label.isHidden() else f"{shown}\n{message}")

    # ---- internals --------------------------------------------------------------------

    def _snapshot(self, source: ModelSource) -> tuple[CharRNN, Vocabulary] | None:
        """One copy of the model for all columns, on the CPU in eval mode: the columns only
        read it, and nothing flips its training flag while they run."""
        try:
            got = source()
        except Exception as err:  # noqa: BLE001 - a failing source must not take the panel down
            self._show_error(f"Cannot get the model: {type(err).__name__}: {err}")
            return None
        if got is None:
            self._show_error(NO_MODEL)
            return None
        model, vocab = got
        try:
            model = copy.deepcopy(model).to("cpu").eval()
        except Exception as err:  # noqa: BLE001
            self._show_error(f"Cannot copy the model: {type(err).__name__}: {err}")
            return None
        return model, vocab

    @Slot(bool)
    def _set_running(self, running: bool) -> None:
        self._running = running
        button = self.generate_button
        button.setText("Stop" if running else "Generate")
        button.setToolTip("Stop every column" if running else "Generate at every temperature")
        self.running_changed.emit(running)

    def _show_error(self, message: str, temperature: bool = False) -> None:
        self._temperature_error = temperature
        self.error_label.setText(message)
        self.error_label.show()

    def _hide_error(self) -> None:
        self._temperature_error = False
        self.error_label.clear()
        self.error_label.hide()

    @Slot()
    def _on_generate_clicked(self) -> None:
        if self._running:
            self.stop()
        else:
            self.generate()

    @Slot()
    def _on_return(self) -> None:
        if not self._running:
            self.generate()

    @Slot(str)
    def _on_temperatures_edited(self, text: str) -> None:
        """Say at once what is wrong; clear the message once it is fixed."""
        try:
            parse_temperatures(text)
        except TemperatureError as err:
            self._show_error(f"Temperatures: {err}.", temperature=True)
        else:
            if self._temperature_error:
                self._hide_error()
