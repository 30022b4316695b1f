"""FlowLayout: widgets in a row that wraps onto more rows when the space is narrow.

Toolbars above the plots hold many small controls; in one QHBoxLayout they made the window
at least ~1200 px wide, too wide for a 1024x768 projector. Here they wrap instead. The
layout reports its height for a given width (heightForWidth), and, because splitters and
scroll areas only read minimum sizes, also a minimum height that is the height it needed
at its last width: after a wrap it asks its parent to lay out again.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


class FlowLayout(QtWidgets.QLayout):
    def __init__(self, parent: QtWidgets.QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QtWidgets.QLayoutItem] = []
        self._spacing = spacing
        self._height = 0  # height needed at the last width it was given
        self.setContentsMargins(0, 0, 0, 0)

    # --- QLayout's item list ---
    def addItem(self, item: QtWidgets.QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QtWidgets.QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QtWidgets.QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # --- sizes ---
    def expandingDirections(self) -> QtCore.Qt.Orientation:  # noqa: N802
        return QtCore.Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QtCore.QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        """Everything on one row."""
        widths = [item.sizeHint().width() for item in self._visible()]
        height = max((item.sizeHint().height() for item in self._visible()), default=0)
        m = self.contentsMargins()
        return QtCore.QSize(sum(widths) + self._spacing * max(len(widths) - 1, 0) + m.left() + m.right(),
                            height + m.top() + m.bottom())

    def minimumSize(self) -> QtCore.QSize:  # noqa: N802
        """As wide as the widest single item (everything else can wrap), as tall as the
        rows it needed at its present width."""
        size = QtCore.QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        size += QtCore.QSize(m.left() + m.right(), m.top() + m.bottom())
        return size.expandedTo(QtCore.QSize(0, self._height))

    def setGeometry(self, rect: QtCore.QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        height = self._arrange(rect, move=True)
        if height != self._height:  # wrapped or unwrapped: the parent must make room
            self._height = height
            QtCore.QTimer.singleShot(0, self, self.invalidate)  # self as context: dropped if deleted

    # --- placing ---
    def _visible(self) -> list[QtWidgets.QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QtCore.QRect, move: bool) -> int:
        """Place the items left to right, wrapping; returns the height used. Items on one
        row are centred vertically on that row."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        rows: list[list[QtWidgets.QLayoutItem]] = [[]]
        x = area.x()
        for item in self._visible():
            w = item.sizeHint().width()
            if rows[-1] and x + w > area.right() + 1:
                rows.append([])
                x = area.x()
            rows[-1].append(item)
            x += w + self._spacing
        y = area.y()
        for row in rows:
            height = max((item.sizeHint().height() for item in row), default=0)
            x = area.x()
            for item in row:
                hint = item.sizeHint()
                if move:
                    width = min(hint.width(), area.width())
                    item.setGeometry(QtCore.QRect(x, y + (height - hint.height()) // 2, width, hint.height()))
                x += hint.width() + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + m.bottom() if self._items else 0
