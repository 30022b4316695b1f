"""Small widget factories shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QScrollArea, QSpinBox, QWidget

from rnnlab.gui.look import theme


class WrappedLabel(QLabel):
    """A word-wrapped label that is never given less height than its lines need at its
    width: a layout short of room squeezes its neighbours (a text box that scrolls), not
    the last line of this one."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self._keep_lines()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._keep_lines()

    def _keep_lines(self) -> None:
        needed = self.heightForWidth(self.width()) if self.width() > 0 else -1
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class ColumnScroll(QScrollArea):
    """A column of controls that scrolls up and down, not sideways: it is at least as wide
    as the column needs, in whatever font size the look has now. In presentation mode it
    may be squeezed narrower (down to SQUEEZED_WIDTH, with a horizontal scroll bar), so that
    the large fonts still fit a small projector's width."""

    SQUEEZED_WIDTH = 120

    def __init__(self, column: QWidget) -> None:
        super().__init__()
        self.setWidget(column)
        self.setWidgetResizable(True)
        self._squeezable = False
        theme.follow(self, ColumnScroll._restyle)

    def _restyle(self, look: theme.Look) -> None:
        self._squeezable = look.presentation
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if look.presentation
                                          else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.updateGeometry()  # a new minimum width

    def content_width(self) -> int:
        """The width that shows the whole column without a horizontal scroll bar."""
        frame = 2 * self.frameWidth() if self.frameShape() != QFrame.Shape.NoFrame else 0
        return self.widget().minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + frame + 2

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        width = self.SQUEEZED_WIDTH if self._squeezable else self.content_width()
        return QSize(max(hint.width(), width), hint.height())


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


def refill_layer_and_quantity(layer_combo: QComboBox, quantity_combo: QComboBox, layers: int,
                              quantities: list[tuple[str, str]]) -> None:
    """New items for a new model (layer count; (label, key) quantities), keeping the user's
    choices where they still exist, without emitting change signals on the way."""
    layer, key = layer_combo.currentIndex(), quantity_combo.currentData()
    for combo in (layer_combo, quantity_combo):
        combo.blockSignals(True)
        combo.clear()
    layer_combo.addItems([f"layer {k + 1}" for k in range(layers)])
    for label, name in quantities:
        quantity_combo.addItem(label, name)
    layer_combo.setCurrentIndex(layer if 0 <= layer < layers else 0)
    quantity_combo.setCurrentIndex(max(0, quantity_combo.findData(key)))
    for combo in (layer_combo, quantity_combo):
        combo.blockSignals(False)


def labelled(text: str, widget: QWidget) -> QWidget:
    """A label and its widget in one box, so a wrapping row never parts them."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    label = QLabel(text)
    label.setBuddy(widget)
    row.addWidget(label)
    row.addWidget(widget)
    return box
