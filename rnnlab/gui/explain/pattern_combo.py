"""PatternCombo: the neuron hunt's pattern chooser. The built-in patterns in a list, or a
regular expression typed in; a typed one is applied once the user stops typing, so a half
typed regex never starts a match."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from rnnlab.core.nn.neuron_patterns import BUILTIN_PATTERNS

PATTERN_DEBOUNCE_MS = 300  # wait for the user to stop typing before matching
REGEX_TOOLTIP = ("A Python regular expression: every character inside a match is selected. "
                 "Or pick a built-in pattern from the list.")


class PatternCombo(QtWidgets.QComboBox):
    """applied(pattern): an item picked, Return pressed, or PATTERN_DEBOUNCE_MS after typing."""

    applied = QtCore.Signal(str)

    def __init__(self, pattern: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="patternCombo")
        self.setEditable(True)
        self.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # no inline completion: typing "d" must not become "digit"
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        for i, (name, description) in enumerate(BUILTIN_PATTERNS.items()):
            self.addItem(name)
            self.setItemData(i, description, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.lineEdit().setPlaceholderText("a pattern or a regular expression")
        self.setEditText(pattern)
        self.show_tooltip_for(pattern)
        self._timer = QtCore.QTimer(self, singleShot=True, interval=PATTERN_DEBOUNCE_MS)
        self._timer.timeout.connect(self._apply_text)
        self.lineEdit().textEdited.connect(self._on_edited)
        self.lineEdit().returnPressed.connect(self._apply_text)
        self.activated.connect(self._apply_text)

    def set_pattern(self, pattern: str) -> None:
        """Show `pattern` as the one in use (emits nothing; a typing delay is dropped)."""
        self._timer.stop()
        if self.currentText() != pattern:
            self.setEditText(pattern)

    def show_tooltip_for(self, pattern: str) -> None:
        self.setToolTip(BUILTIN_PATTERNS.get(pattern, REGEX_TOOLTIP))

    def _on_edited(self, text: str) -> None:
        self.show_tooltip_for(text)
        self._timer.start()

    def _apply_text(self, *_index) -> None:
        self._timer.stop()
        self.applied.emit(self.currentText())
