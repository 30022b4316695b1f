"""The Qt binding must not leak or drop references on ordinary calls.

PySide6 6.12.0 decrements None/True/False on each void call; on Python < 3.12 (no immortal
objects) the app then aborts with "deallocating None" after a few thousand updates.
"""

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal(int)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_calls_keep_the_refcounts_of_none_and_bools(qapp):
    label, emitter = QLabel(), _Emitter()
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(200):
        label.setText(str(i))
        emitter.fired.emit(i)
        QCoreApplication.processEvents()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert [a - b for a, b in zip(after, before)] == pytest.approx([0, 0, 0], abs=20)
