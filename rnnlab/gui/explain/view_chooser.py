"""ViewChooser: picks the "inside the network" view shown, in place of the tab bar.

Seven tabs did not fit the middle column of a 1024- or 1280-pixel window: the last ones
hid behind the tab bar's scroll arrows, and in presentation mode the first read "n state".
Here every view is a button in a row that wraps onto a second line when it must, so every
name is always shown in full; in presentation mode (large fonts, one view at a time for the
class) the row becomes one drop-down list, "Inside the network: [Hidden state]", which
takes a single line. Either follows the tabs, and choosing in either sets the tab.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from rnnlab.gui.look import theme
from rnnlab.gui.look.flow_layout import FlowLayout


class ViewChooser(QtWidgets.QWidget):
    def __init__(self, tabs: QtWidgets.QTabWidget, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="explainViewChooser")
        self._tabs = tabs
        tabs.tabBar().hide()  # this chooser takes its place
        self.buttons: list[QtWidgets.QToolButton] = []
        self._group = QtWidgets.QButtonGroup(self, exclusive=True)
        self.button_row = QtWidgets.QWidget(objectName="explainViewButtons")
        row = FlowLayout(self.button_row)
        row.setContentsMargins(0, 0, 0, 0)
        for index in range(tabs.count()):
            button = QtWidgets.QToolButton(text=tabs.tabText(index), checkable=True,
                                           objectName=f"explainView{index}Button")
            button.setToolTip(tabs.tabToolTip(index))
            self._group.addButton(button, index)
            row.addWidget(button)
            self.buttons.append(button)
        self.combo_row = QtWidgets.QWidget(objectName="explainViewComboRow")
        line = QtWidgets.QHBoxLayout(self.combo_row)
        line.setContentsMargins(0, 0, 0, 0)
        self.title = QtWidgets.QLabel("Inside the network:")
        self.combo = QtWidgets.QComboBox(objectName="explainViewCombo")
        self.combo.addItems([tabs.tabText(index) for index in range(tabs.count())])
        self.title.setBuddy(self.combo)
        line.addWidget(self.title)
        line.addWidget(self.combo)
        line.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button_row)
        layout.addWidget(self.combo_row)
        self._group.idClicked.connect(tabs.setCurrentIndex)
        self.combo.activated.connect(tabs.setCurrentIndex)
        tabs.currentChanged.connect(self._on_tabs_changed)
        self._on_tabs_changed(tabs.currentIndex())
        theme.follow(self, ViewChooser._restyle)

    def _restyle(self, look: theme.Look) -> None:
        self.button_row.setVisible(not look.presentation)
        self.combo_row.setVisible(look.presentation)

    def _on_tabs_changed(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.buttons[index].setChecked(True)
            self.combo.setCurrentIndex(index)
