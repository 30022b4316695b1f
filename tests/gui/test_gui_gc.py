"""Cyclic garbage is collected in the GUI thread, never in a busy worker thread."""

import gc
import threading

from rnnlab.gui.workers.gui_gc import collect_in_gui_thread


class _Cycle:
    def __init__(self, seen):
        self.me, self.seen = self, seen

    def __del__(self):
        self.seen.append(threading.current_thread())


def test_garbage_made_while_a_worker_allocates_dies_in_the_gui_thread(qtbot):
    collect_in_gui_thread()
    collect_in_gui_thread()  # once is enough: a second call installs nothing more
    assert not gc.isenabled()
    seen = []
    _Cycle(seen)  # unreachable at once, but only the collector can free it
    stop = threading.Event()

    def allocate():  # the training thread's role: it crosses the first threshold and stays past
        # it (garbage freed at once nets the count back to ~0, and a timer tick could miss
        # the moment it was past: the old loop of throw-away lists failed one CI run)
        keep = [[] for _ in range(5 * gc.get_threshold()[0])]
        stop.wait()
        del keep

    worker = threading.Thread(target=allocate)
    worker.start()
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    finally:
        stop.set()
        worker.join()
    assert seen == [threading.main_thread()]
