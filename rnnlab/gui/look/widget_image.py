"""A widget as a picture, `scale` times its screen size (sharp on slides): to a PNG file, or
as PNG bytes to embed in a report. Used by the plots and the "inside the network" views."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets


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
    image.fill(widget.palette().color(QtGui.QPalette.ColorRole.Window))  # light or dark theme
    painter = QtGui.QPainter(image)
    try:
        painter.scale(scale, scale)
        # QWidget's own render (a QGraphicsView's renders its scene instead); PySide6 wants
        # the target offset spelt out
        QtWidgets.QWidget.render(widget, painter, QtCore.QPoint())
    finally:
        painter.end()
    return image
