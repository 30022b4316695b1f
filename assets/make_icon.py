"""Draw rnnlab/resources/icon.png (run once: python assets/make_icon.py): a recurrent cell with its loop."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402


def draw(size: int = 256) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setBrush(QColor("#1f4e79"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    pen = QPen(QColor("#ffffff"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    loop = QPainterPath(QPointF(98 * s, 120 * s))  # the recurrence: h_t feeds h_{t+1}
    loop.cubicTo(QPointF(60 * s, 40 * s), QPointF(196 * s, 40 * s), QPointF(158 * s, 120 * s))
    p.drawPath(loop)
    p.drawLine(QPointF(158 * s, 120 * s), QPointF(140 * s, 98 * s))
    p.drawLine(QPointF(158 * s, 120 * s), QPointF(172 * s, 94 * s))
    p.setBrush(QColor("#ff9f1c"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QPointF(128 * s, 158 * s), 42 * s, 42 * s)
    p.setPen(QPen(QColor("#ffffff"), 12 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(128 * s, 236 * s), QPointF(128 * s, 204 * s))
    p.end()
    return image


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    draw().save(str(Path(__file__).resolve().parents[1] / "rnnlab" / "resources" / "icon.png"))
