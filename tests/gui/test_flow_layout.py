"""FlowLayout wraps controls onto more rows instead of widening the window."""

from PySide6 import QtWidgets

from rnnlab.gui.look.flow_layout import FlowLayout


def test_controls_wrap_inside_a_narrow_panel_without_overlapping(qtbot):
    panel = QtWidgets.QWidget()
    qtbot.addWidget(panel)
    flow = FlowLayout(panel)
    buttons = [QtWidgets.QPushButton(f"button number {i}") for i in range(6)]
    for b in buttons:
        flow.addWidget(b)
    one_row = flow.sizeHint()
    assert flow.minimumSize().width() < one_row.width() / 3  # the widest single button
    assert flow.heightForWidth(one_row.width()) == one_row.height()
    narrow = one_row.width() // 3
    assert flow.heightForWidth(narrow) >= 3 * one_row.height()
    panel.resize(narrow, flow.heightForWidth(narrow))
    panel.show()
    qtbot.waitUntil(lambda: buttons[-1].geometry().bottom() > one_row.height())
    rects = [b.geometry() for b in buttons]
    assert all(r.right() < narrow for r in rects)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    qtbot.waitUntil(lambda: flow.minimumSize().height() >= 3 * one_row.height())  # parents make room
