"""Pieces every "inside the network" view shares: a plain-words explanation of what is on
screen and an Export PNG button, so each view reads and saves the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from rnnlab.gui.look import prompts, theme
from rnnlab.gui.look.widget_image import export_widget_png


def export_or_report(widget: QtWidgets.QWidget, path: str | Path, report: Callable[[str], None]) -> bool:
    """export_widget_png; a failure goes to `report` (the panel's message label) and gives
    False instead of an exception."""
    try:
        export_widget_png(widget, path)
    except OSError as exc:
        report(f"Could not export the image: {exc}")
        return False
    return True


PRESENTING_LINES = 2  # an explanation shows at most this many lines in presentation mode, then scrolls
# (the teacher talks; at 1024x768 four lines took a gate plot a third of its height)
MIN_LINES = 2  # ...and never fewer, however little room there is
ROOM_SHARE = 0.15  # in a normal window, at most this share of the view's height, then it scrolls
# (at 1024x768 the full text took 5-9 lines of a 260 px view and left its text boxes 2-3 lines)


class _Paragraph(QtWidgets.QScrollArea):
    """A word-wrapped label that asks for its whole height when there is room, at most
    `max_lines` lines (None: no limit), and scrolls when it gets less than it asked for.
    (A bare label squeezed by a full layout loses its last lines without a trace.)"""

    def __init__(self, label: QtWidgets.QLabel) -> None:
        super().__init__()
        self.max_lines: int | None = None  # set in presentation mode; otherwise the room decides
        self._room: QtWidgets.QWidget | None = None  # the stack of views this one is shown in
        self._room_lines: int | None = None
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(label)
        label.setAutoFillBackground(False)  # the panel's own background shows through
        self.viewport().setAutoFillBackground(False)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        policy.setVerticalPolicy(QtWidgets.QSizePolicy.Policy.Maximum)  # never more than it asks for
        self.setSizePolicy(policy)

    def _line(self) -> int:
        return QtGui.QFontMetrics(self.widget().font()).lineSpacing()

    def _find_room(self) -> QtWidgets.QWidget | None:
        """The nearest QStackedWidget above (the tabs' pages): its height is the room all
        of the view shares. Found once the paragraph is in the window, then watched."""
        if self._room is None:
            parent = self.parentWidget()
            while parent is not None and not isinstance(parent, QtWidgets.QStackedWidget):
                parent = parent.parentWidget()
            if parent is not None:
                self._room = parent
                parent.installEventFilter(self)
        return self._room

    def _lines_for_room(self) -> int | None:
        room = self._find_room()
        if room is None or room.height() <= 1:
            return None
        return max(MIN_LINES, int(ROOM_SHARE * room.height() / self._line()))

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._room and event.type() == QtCore.QEvent.Type.Resize:
            lines = self._lines_for_room()
            if lines != self._room_lines:
                self._room_lines = lines
                self.updateGeometry()
        return False

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._room_lines = self._lines_for_room()
        self.updateGeometry()
        super().showEvent(event)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        full = self.widget().heightForWidth(max(width, 1))
        if full < 0:
            full = self.widget().sizeHint().height()
        lines = self.max_lines if self.max_lines is not None else self._room_lines
        # +1, not more: a sliver of the next line looked like a glitch
        return full if lines is None else min(full, lines * self._line() + 1)

    def sizeHint(self) -> QtCore.QSize:
        width = self.width() if self.width() > 1 else self.widget().sizeHint().width()
        return QtCore.QSize(self.widget().sizeHint().width(), self.heightForWidth(width))

    def minimumSizeHint(self) -> QtCore.QSize:
        width = self.width() if self.width() > 1 else self.widget().sizeHint().width()
        return QtCore.QSize(self.widget().minimumSizeHint().width() // 4,
                            min(self.heightForWidth(width), MIN_LINES * self._line() + 1))


class ExplainHeader(QtWidgets.QWidget):
    """An explanation in plain words (changeable with set_text) and an Export PNG button.

    `target` is the widget (or a callable returning it) exported; `name` names the file
    offered in the save dialog and the button's objectName (e.g. "gradients" ->
    gradientsExportButton, gradientsExplainLabel)."""

    def __init__(self, name: str, text: str, target: QtWidgets.QWidget | Callable[[], QtWidgets.QWidget],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._name, self._target = name, target
        self.label = QtWidgets.QLabel(text, objectName=f"{name}ExplainLabel", wordWrap=True)
        theme.set_text_role(self.label, "muted")
        self.label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QtWidgets.QPushButton("Export PNG…", objectName=f"{name}ExportButton")
        self.export_button.setToolTip("Save this view as a PNG image (twice the screen size)")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.paragraph = _Paragraph(self.label)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.paragraph, 1)
        row.addWidget(self.export_button, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        theme.follow(self, ExplainHeader._restyle)

    def _restyle(self, look: theme.Look) -> None:
        """In presentation mode the explanation keeps to a few lines (it scrolls), so that
        the pictures under it, which the whole class looks at, keep their room."""
        self.paragraph.max_lines = PRESENTING_LINES if look.presentation else None
        self.paragraph.updateGeometry()

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.paragraph.updateGeometry()

    def export_png(self, path: str | Path) -> None:
        target = self._target() if callable(self._target) and not isinstance(self._target, QtWidgets.QWidget) \
            else self._target
        export_widget_png(target, path)

    def _on_export_clicked(self) -> None:
        ask = prompts.for_widget(self)
        path = ask.save_png_path(self, f"{self._name}.png")
        if not path:
            return
        try:
            self.export_png(path)
        except OSError as exc:  # a full disk or a locked folder must not take the app down
            ask.warn(self, "Export failed", str(exc))
