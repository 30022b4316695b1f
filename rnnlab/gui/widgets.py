"""Small widget factories shared by the panels."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


def spin_box(name: str, low: float, high: float, value: float | None = None, *, tip: str = "",
             special: str = "", suffix: str = "", step: float = 1,
             decimals: int | None = None) -> QSpinBox | QDoubleSpinBox:
    """A named spin box; `decimals` makes it a QDoubleSpinBox. `special` is shown at the minimum."""
    spin = QSpinBox() if decimals is None else QDoubleSpinBox()
    if decimals is not None:
        spin.setDecimals(decimals)
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    if value is not None:
        spin.setValue(value)
    spin.setSpecialValueText(special)
    spin.setSuffix(suffix)
    if tip:
        spin.setToolTip(tip)
    return spin
