"""SamplingPanel: sampling settings, Generate / Stop, and the streamed text.

The panel only gathers settings and shows text: the main window answers
`generate_requested` / `stop_requested` by driving a SamplingWorker and calls
begin() / append_text() / finish() / show_error() as the worker reports.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QWidget,
)

from rnnlab.core.nn.sampler import SamplerError, SampleSettings
from rnnlab.gui.look import colors, prompts, theme
from rnnlab.gui.look.widgets import WrappedLabel, spin_box
from rnnlab.gui.panels.auto_sample_row import auto_sample_widgets

NO_MODEL = "Train or open a model first"
MAX_SEED = 2**31 - 1
ZWSP = "\u200b"  # zero-width space: a chance to break a line, invisible
MAX_LINES = 20_000  # oldest lines of the output are dropped beyond this (hours of auto-samples)

TIPS = {
    "primeEdit": "Text the network reads before it starts writing; empty = start from a new line",
    "temperature": "Temperature: below 1 = safer, more repetitive text; above 1 = more surprising.\n"
                   "0 = greedy: always the most likely character",
    "topKSpin": "Only choose among the k most likely next characters (off = all of them)",
    "sampleLengthSpin": "How many characters to generate",
    "seedSpin": "The same seed and settings always give the same text",
    "seedRandomCheck": "Use a new random seed every time",
    "copySampleButton": "Copy the generated text",
    "saveSampleButton": "Save the generated text to a file",
    "surpriseColorCheck": "Colour each generated character by how surprising it was to the network\n"
                          "(white = expected, dark red = very unlikely: 8 bits or more, 1 chance in 256)",
}


class SamplingPanel(QWidget):
    generate_requested = Signal(object)  # SampleSettings
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._generating = False
        self._sample = ""
        self._memorisation = None  # MemorisationReport of _sample, once computed
        self._available = True
        self._reason = ""
        self._ends_with_newline = True  # of the output: where a header line must start
        self._build()
        self._connect()
        self.set_available(False)

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.primeEdit = self._named(QLineEdit(), "primeEdit")
        self.primeEdit.setPlaceholderText("start from a new line")
        form.addRow("Start with:", self.primeEdit)
        form.addRow("Temperature:", self._temperature_row())
        self._spin("topKSpin", 0, 10_000, 0, "off")
        self._spin("sampleLengthSpin", 1, 20_000, 500, suffix=" chars")
        self.sampleLengthSpin.setSingleStep(100)
        form.addRow("Top-k:", self.topKSpin)
        form.addRow("Length:", self.sampleLengthSpin)
        form.addRow("Seed:", self._seed_row())
        form.addRow(self._auto_row())
        form.addRow(self.surpriseColorCheck)
        form.addRow(self._button_row())
        self.sampleErrorLabel = self._named(QLabel(), "sampleErrorLabel")
        self.sampleErrorLabel.setWordWrap(True)
        theme.set_text_role(self.sampleErrorLabel, "error")
        self.sampleErrorLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sampleErrorLabel.hide()
        form.addRow(self.sampleErrorLabel)
        self._named(WrappedLabel(), "memorisationLabel")
        self.memorisationLabel.setToolTip("How much of the last sample is copied verbatim from the training text")
        self.memorisationLabel.hide()
        form.addRow(self.memorisationLabel)
        form.addRow(self._output())

    def _named(self, widget: QWidget, name: str) -> QWidget:
        widget.setObjectName(name)
        widget.setToolTip(TIPS.get(name, ""))
        setattr(self, name, widget)
        return widget

    def _spin(self, name: str, low: int, high: int, value: int, special: str = "",
              suffix: str = "") -> QSpinBox:
        return self._named(spin_box(name, low, high, value, special=special, suffix=suffix), name)

    def _temperature_row(self) -> QHBoxLayout:
        self.temperatureSlider = self._named(QSlider(Qt.Orientation.Horizontal), "temperatureSlider")
        self.temperatureSlider.setRange(0, 200)  # hundredths: 0.00 .. 2.00
        self.temperatureSpin = self._named(QDoubleSpinBox(), "temperatureSpin")
        self.temperatureSpin.setRange(0.0, 2.0)
        self.temperatureSpin.setSingleStep(0.05)
        self.temperatureSpin.setDecimals(2)
        self.temperatureSpin.setSpecialValueText("greedy")
        for widget in (self.temperatureSlider, self.temperatureSpin):
            widget.setToolTip(TIPS["temperature"])
        self.temperatureSpin.setValue(0.8)
        self.temperatureSlider.setValue(80)
        row = QHBoxLayout()
        row.addWidget(self.temperatureSlider, 1)
        row.addWidget(self.temperatureSpin)
        return row

    def _seed_row(self) -> QHBoxLayout:
        self._spin("seedSpin", 0, MAX_SEED, 0)
        self.seedRandomCheck = self._named(QCheckBox("random"), "seedRandomCheck")
        self.seedRandomCheck.setChecked(True)
        self.seedSpin.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.seedSpin, 1)
        row.addWidget(self.seedRandomCheck)
        return row

    def _auto_row(self) -> QHBoxLayout:
        self.autoSampleCheck, self.autoSampleSpin = auto_sample_widgets()  # on unless turned off
        self._named(QCheckBox("colour by surprise"), "surpriseColorCheck")
        row = QHBoxLayout()
        row.addWidget(self.autoSampleCheck)
        row.addWidget(self.autoSampleSpin, 1)
        return row

    def _button_row(self) -> QHBoxLayout:
        self._named(QPushButton("Generate"), "sampleButton")
        self.sampleButton.setDefault(True)
        self._named(QPushButton("Copy"), "copySampleButton")
        self._named(QPushButton("Save…"), "saveSampleButton")
        row = QHBoxLayout()
        row.addWidget(self.sampleButton, 1)
        row.addWidget(self.copySampleButton)
        row.addWidget(self.saveSampleButton)
        return row

    def _output(self) -> QPlainTextEdit:
        out = self._named(QPlainTextEdit(), "sampleOutput")
        out.setReadOnly(True)
        theme.follow_mono_font(out)  # never smaller than the UI font (larger when presenting)
        out.setMaximumBlockCount(MAX_LINES)
        out.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        out.setMinimumHeight(120)
        return out

    def _connect(self) -> None:
        self.temperatureSlider.valueChanged.connect(self._on_temperature_slider_changed)
        self.temperatureSpin.valueChanged.connect(self._on_temperature_spin_changed)
        self.seedRandomCheck.toggled.connect(self._on_seed_random_toggled)
        self.autoSampleCheck.toggled.connect(self._on_auto_sample_toggled)
        self._on_auto_sample_toggled(self.autoSampleCheck.isChecked())
        self.sampleButton.clicked.connect(self._on_sample_button_clicked)
        self.primeEdit.returnPressed.connect(self._on_prime_edit_return)
        self.copySampleButton.clicked.connect(self._on_copy_button_clicked)
        self.saveSampleButton.clicked.connect(self._on_save_button_clicked)

    # ---- public API -------------------------------------------------------------------

    def settings(self) -> SampleSettings:
        seed = None if self.seedRandomCheck.isChecked() else self.seedSpin.value()
        return SampleSettings(prime=self.primeEdit.text(), length=self.sampleLengthSpin.value(),
                              temperature=round(self.temperatureSpin.value(), 2),
                              top_k=self.topKSpin.value(), seed=seed)

    def set_settings(self, settings: dict) -> None:
        """Some SampleSettings fields (prime, length, temperature, top_k, seed); a seed given
        means the same text every time."""
        if "prime" in settings:
            self.primeEdit.setText(settings["prime"])
        for key, spin in (("length", self.sampleLengthSpin), ("temperature", self.temperatureSpin),
                          ("top_k", self.topKSpin), ("seed", self.seedSpin)):
            if key in settings:
                spin.setValue(settings[key])
        if "seed" in settings:
            self.seedRandomCheck.setChecked(False)

    def auto_sample_seconds(self) -> float | None:
        """Seconds of training between samples while training, or None when switched off."""
        return float(self.autoSampleSpin.value()) if self.autoSampleCheck.isChecked() else None

    def is_generating(self) -> bool:
        return self._generating

    def set_available(self, available: bool, reason: str = "") -> None:
        """Whether there is a model to sample from (reason: why not, shown as tooltip)."""
        self._available, self._reason = available, reason
        self._refresh_button()

    @Slot()
    def begin(self, title: str | None = None) -> None:
        """A generation starts: clear the output, or append a header line when given one."""
        if title is None:
            self.sampleOutput.clear()
            self._ends_with_newline = True
        else:
            empty = self.sampleOutput.document().isEmpty()
            sep = "" if empty else ("\n" if self._ends_with_newline else "\n\n")
            self.append_text(f"{sep}{title}\n")
        self._sample = ""  # this generation's text, without the title
        self._memorisation = None
        self.memorisationLabel.hide()
        self.sampleErrorLabel.hide()
        self._generating = True
        self._refresh_button()

    @Slot(str)
    def append_text(self, chunk: str) -> None:
        """Append at the end (cheap), following the end unless the user scrolled up."""
        if not chunk:
            return
        bar = self.sampleOutput.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.sampleOutput.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(chunk, QTextCharFormat())  # plain, even after coloured text
        self._ends_with_newline = chunk.endswith("\n")
        if follow:
            bar.setValue(bar.maximum())

    @Slot(str, object)
    def append_scored(self, chunk: str, probs) -> None:
        """Generated characters with their probabilities under the model: coloured by
        surprise (-log2 p) when that is switched on, plain otherwise."""
        self._sample += chunk
        if not self.surpriseColorCheck.isChecked():
            self.append_text(chunk)
            return
        bar = self.sampleOutput.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.sampleOutput.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        bits = -np.log2(np.clip(np.asarray(probs, dtype=np.float64), 1e-12, 1.0))
        for ch, colour in zip(chunk, colors.surprise_colors(bits)):
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colour))
            fmt.setForeground(QColor(colors.text_on(colour)))
            cursor.insertText(ch, fmt)
        self._ends_with_newline = chunk.endswith("\n")
        if follow:
            bar.setValue(bar.maximum())

    @Slot()
    @Slot(str)
    def finish(self, _reason: str = "") -> None:
        self._generating = False
        self._refresh_button()

    @Slot(str)
    def show_error(self, message: str) -> None:
        self._show_message(message)
        self.finish()

    def clear(self) -> None:
        """No model: no text, no meter, no error."""
        self.sampleOutput.clear()
        self._ends_with_newline = True
        self._sample, self._memorisation = "", None
        self.memorisationLabel.hide()
        self.sampleErrorLabel.hide()
        self.finish()

    def show_memorisation(self, report) -> None:
        """One line under the buttons: share of copied 20-char pieces, the longest copy."""
        self._memorisation = report
        # a break chance inside very long runs (the copy, ␣␣␣...): it wraps, never widens the window
        self.memorisationLabel.setText(re.sub(r"(\S{16})(?=\S)", "\\1" + ZWSP, report.summary()))
        self.memorisationLabel.show()

    def show_memorisation_note(self, note: str) -> None:
        """In place of the report: why there is none."""
        self._memorisation = None
        self.memorisationLabel.setText(note)
        self.memorisationLabel.show()

    def last_memorisation(self):
        """The MemorisationReport shown for the latest generation, or None (not yet)."""
        return self._memorisation

    def last_sample(self) -> str:
        """The text of the latest generation (without its title line)."""
        return self._sample

    def text(self) -> str:
        return self.sampleOutput.toPlainText()

    def save_text(self, path: str) -> bool:
        """Write the output as UTF-8; a failure is shown in the panel. True on success."""
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(self.text())
        except OSError as err:
            self._show_message(f"Cannot save '{path}': {err.strerror or err}.")
            return False
        return True

    # ---- internals --------------------------------------------------------------------

    def _show_message(self, message: str) -> None:
        self.sampleErrorLabel.setText(message)
        self.sampleErrorLabel.show()

    def _refresh_button(self) -> None:
        button = self.sampleButton
        if self._generating:
            button.setText("Stop")
            button.setEnabled(True)
            button.setToolTip("Stop generating")
        else:
            button.setText("Generate")
            button.setEnabled(self._available)
            button.setToolTip("Generate text with the model" if self._available
                              else (self._reason or NO_MODEL))

    @Slot(int)
    def _on_temperature_slider_changed(self, value: int) -> None:
        self.temperatureSpin.blockSignals(True)
        self.temperatureSpin.setValue(value / 100)
        self.temperatureSpin.blockSignals(False)

    @Slot(float)
    def _on_temperature_spin_changed(self, value: float) -> None:
        self.temperatureSlider.blockSignals(True)
        self.temperatureSlider.setValue(round(value * 100))
        self.temperatureSlider.blockSignals(False)

    @Slot(bool)
    def _on_seed_random_toggled(self, random: bool) -> None:
        self.seedSpin.setEnabled(not random)

    @Slot(bool)
    def _on_auto_sample_toggled(self, on: bool) -> None:
        self.sampleOutput.setPlaceholderText(
            "A sample appears here every few seconds while training; Generate writes one now." if on
            else "Press Generate to write a sample here.")

    @Slot()
    def _on_sample_button_clicked(self) -> None:
        if self._generating:
            self.stop_requested.emit()
            return
        settings = self.settings()
        try:
            settings.check()
        except SamplerError as err:
            self._show_message(f"Cannot generate: {err}.")
            return
        self.sampleErrorLabel.hide()
        self.generate_requested.emit(settings)

    @Slot()
    def _on_prime_edit_return(self) -> None:
        if self.sampleButton.isEnabled() and not self._generating:
            self._on_sample_button_clicked()

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    @Slot()
    def _on_save_button_clicked(self) -> None:
        path = prompts.for_widget(self).save_sample_path(self, "sample.txt")
        if path:
            self.save_text(path)
