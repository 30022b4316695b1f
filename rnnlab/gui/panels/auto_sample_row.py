"""The Sampling panel's "Sample every N s of training" check box and spin box.

On by default: while training, a fresh sample appears by itself (the first a few seconds
after Start), so a class watches the text improve without having to find Generate. The
teacher can turn it off; the choice and the interval are remembered in the settings.
Seconds of training, not steps: a step of the big preset takes 20 times one of the tiny.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QSpinBox

from rnnlab.gui.look import settings
from rnnlab.gui.look.widgets import spin_box

ON_KEY = "sampling/autoSample"
SECONDS_KEY = "sampling/autoSampleSeconds"
DEFAULT_SECONDS = 6  # the first sample well within 20 s of Start; ~1-3% of a 2-core CPU
MIN_SECONDS, MAX_SECONDS = 1, 3600
TIP = ("While training, write a fresh sample every N seconds of training, to watch the text improve "
       "(untick to write only when Generate is pressed)")


def auto_sample_widgets() -> tuple[QCheckBox, QSpinBox]:
    """The check box and the interval, set from the settings and saved there on change."""
    check = QCheckBox("Sample every")
    check.setObjectName("autoSampleCheck")
    check.setToolTip(TIP)
    seconds = settings.value(SECONDS_KEY, DEFAULT_SECONDS, int)
    spin = spin_box("autoSampleSpin", MIN_SECONDS, MAX_SECONDS, min(max(seconds, MIN_SECONDS), MAX_SECONDS),
                    suffix=" s of training", tip=TIP)
    check.setChecked(bool(settings.value(ON_KEY, True, bool)))
    spin.setEnabled(check.isChecked())
    check.toggled.connect(spin.setEnabled)
    check.toggled.connect(_remember_on)
    spin.valueChanged.connect(_remember_seconds)
    return check, spin


def _remember_on(on: bool) -> None:
    settings.set_value(ON_KEY, bool(on))


def _remember_seconds(seconds: int) -> None:
    settings.set_value(SECONDS_KEY, int(seconds))
