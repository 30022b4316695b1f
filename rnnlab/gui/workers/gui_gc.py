"""Python's cycle collector, run in the GUI thread only.

The collector normally runs in whichever thread happens to cross an allocation threshold —
most often the training thread, which allocates the most. If that garbage holds a Qt
widget, the widget is destroyed in the training thread, which Qt does not allow: in
benchmarks/window_cycles.py a closed window's QMenu was destroyed there and deadlocked
the app (its destructor waited for the GIL while the GUI thread, holding the GIL, waited
for a Qt lock). So the app switches automatic collection off and collects from a GUI
timer instead, with the collector's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class _Collector(QObject):
    def __init__(self, app: QCoreApplication):
        super().__init__(app)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        gc.disable()
        self.timer.start()
        app.aboutToQuit.connect(self.restore)

    def collect_due(self) -> None:
        """Collect the oldest generation whose count (and every younger one's) is past
        its threshold, as the automatic collector would have."""
        counts, due = gc.get_count(), -1
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            due = generation
        if due >= 0:
            gc.collect(due)

    def restore(self) -> None:
        self.timer.stop()
        gc.enable()


def collect_in_gui_thread() -> None:
    """Install the GUI-thread collector once per application (call it in the GUI thread)."""
    app = QCoreApplication.instance()
    if app is not None and app.findChild(_Collector) is None:
        _Collector(app)
