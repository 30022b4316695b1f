"""Pieces every "inside the network" view shares: a plain-words explanation of what is on
screen and an Export PNG button, so each view reads and saves the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets

EXPLAIN_STYLE = "color: #444;"


def export_widget_png(widget: QtWidgets.QWidget, path: str | Path, scale: float = 2.0) -> None:
    """The widget as it looks now, `scale` times the screen size (sharp on slides).
    Raises OSError when the file cannot be written."""
    if not widget_image(widget, scale).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def widget_png(widget: QtWidgets.QWidget, scale: float = 2.0) -> bytes:
    """export_widget_png's picture as PNG bytes (e.g. to embed in a report)."""
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not widget_image(widget, scale).save(buffer, "PNG"):
        raise OSError("could not make a PNG image of the view (is it shown?)")
    return bytes(buffer.data())


def widget_image(widget: QtWidgets.QWidget, scale: float = 2.0) -> QtGui.QImage:
    size = widget.size() * scale
    image = QtGui.QImage(size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    try:
        painter.scale(scale, scale)
        # QWidget's own render (a QGraphicsView's renders its scene instead); PySide6 wants
        # the target offset spelt out
        QtWidgets.QWidget.render(widget, painter, QtCore.QPoint())
    finally:
        painter.end()
    return image


def export_or_report(widget: QtWidgets.QWidget, path: str | Path, report: Callable[[str], None]) -> bool:
    """export_widget_png; a failure goes to `report` (the panel's message label) and gives
    False instead of an exception."""
    try:
        export_widget_png(widget, path)
    except OSError as exc:
        report(f"Could not export the image: {exc}")
        return False
    return True


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
        self.label.setStyleSheet(EXPLAIN_STYLE)
        self.label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QtWidgets.QPushButton("Export PNG…", objectName=f"{name}ExportButton")
        self.export_button.setToolTip("Save this view as a PNG image (twice the screen size)")
        self.export_button.clicked.connect(self._on_export_clicked)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.export_button, 0, QtCore.Qt.AlignmentFlag.AlignTop)

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def export_png(self, path: str | Path) -> None:
        target = self._target() if callable(self._target) and not isinstance(self._target, QtWidgets.QWidget) \
            else self._target
        export_widget_png(target, path)

    def _on_export_clicked(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export view", f"{self._name}.png", "PNG image (*.png)")
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.export_png(path)
        except OSError as exc:  # a full disk or a locked folder must not take the app down
            QtWidgets.QMessageBox.warning(self, "Export failed", str(exc))
