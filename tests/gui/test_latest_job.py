"""LatestJob: the newest job only, stale answers dropped, errors and progress delivered in
the GUI thread, and no thread left once shut down."""

import threading

import pytest
from PySide6.QtCore import QObject

from rnnlab.gui.workers.latest_job import Cancelled, LatestJob

NAME = "rnnlab-test-latest-job"


@pytest.fixture
def jobs(qtbot):
    helper = LatestJob(NAME)
    answers = []
    helper.done.connect(lambda key, result, error: answers.append((key, result, error)))
    helper.answers = answers
    yield helper
    assert helper.shutdown(), "the job thread did not end"


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == NAME]


def test_a_result_arrives_in_the_gui_thread(jobs, qtbot):
    seen = []
    jobs.done.connect(lambda *args: seen.append(threading.current_thread() is threading.main_thread()))
    jobs.submit("k", lambda progress: 42)
    assert jobs.busy()
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    assert jobs.answers == [("k", 42, None)] and seen == [True] and not jobs.busy()


def test_a_stale_result_is_dropped_when_a_newer_job_was_submitted(jobs, qtbot):
    gate, started = threading.Event(), threading.Event()

    def slow(progress):  # never calls progress: it cannot notice it is stale
        started.set()
        gate.wait(10)
        return "old"

    jobs.submit("old", slow)
    assert started.wait(5)
    jobs.submit("new", lambda progress: "new")
    gate.set()
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    qtbot.waitUntil(lambda: not _threads(), timeout=5000)  # both jobs have run
    assert jobs.answers == [("new", "new", None)]


def test_a_job_submitted_while_one_runs_replaces_the_one_waiting(jobs, qtbot):
    gate, started, ran = threading.Event(), threading.Event(), []

    def job(name):
        def run(progress):
            ran.append(name)
            if name == "a":
                started.set()
                gate.wait(10)
            return name
        return run

    jobs.submit("a", job("a"))
    assert started.wait(5)
    jobs.submit("b", job("b"))
    jobs.submit("c", job("c"))
    gate.set()
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    assert ran == ["a", "c"] and jobs.answers == [("c", "c", None)]


def test_an_exception_in_a_job_reaches_done_as_the_error(jobs, qtbot):
    def broken(progress):
        raise ValueError("no such pattern")

    jobs.submit("k", broken)
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    (key, result, error), = jobs.answers
    assert key == "k" and result is None
    assert isinstance(error, ValueError) and str(error) == "no such pattern"


def test_progress_arrives_in_order_before_the_result(jobs, qtbot):
    events = []
    jobs.progressed.connect(lambda key, stage: events.append((key, stage)))
    jobs.done.connect(lambda key, result, error: events.append((key, result)))

    def staged(progress):
        for stage in ("reading", "counting", "encoding"):
            progress(stage)
        return "corpus"

    jobs.submit("k", staged)
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    assert events == [("k", "reading"), ("k", "counting"), ("k", "encoding"), ("k", "corpus")]


def test_cancel_stops_a_job_at_its_next_progress(jobs, qtbot):
    started, stopped = threading.Event(), threading.Event()

    def endless(progress):
        started.set()
        try:
            while True:
                progress(None)
                stopped.wait(0.01)  # a slice of work
        except Cancelled:
            stopped.set()
            raise

    jobs.submit("k", endless)
    assert started.wait(5)
    jobs.cancel()
    assert not jobs.busy()
    assert stopped.wait(5)
    qtbot.waitUntil(lambda: not _threads(), timeout=5000)
    assert jobs.answers == []


def test_shutdown_waits_for_the_thread_and_leaves_none(jobs, qtbot):
    started = threading.Event()

    def endless(progress):
        started.set()
        while True:
            progress(None)
            threading.Event().wait(0.01)

    jobs.submit("k", endless)
    assert started.wait(5)
    assert _threads() == [NAME]
    assert jobs.shutdown(timeout=5)
    assert _threads() == []
    jobs.submit("again", lambda progress: 1)  # still usable after a shutdown
    qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    assert jobs.answers == [("again", 1, None)]


def test_an_owner_deleted_while_a_job_runs_is_not_told(qtbot):
    owner = QObject()
    helper = LatestJob(NAME, owner)
    gate, started = threading.Event(), threading.Event()

    def slow(progress):
        started.set()
        gate.wait(10)
        return 1

    helper.submit("k", slow)
    assert started.wait(5)
    thread = helper._thread
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(helper), timeout=5000)
    gate.set()
    thread.join(5)
    assert not thread.is_alive()


def _alive(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True


def test_a_newer_sample_cancels_the_memorisation_search_under_way(qtbot):
    from rnnlab.core.analysis import memorisation
    from rnnlab.core.data.corpus import corpus_from_text
    from rnnlab.gui.workers.baseline import start_memorisation

    corpus = corpus_from_text("the quick brown fox jumps over the lazy dog\n" * 200)
    jobs = LatestJob("test-memorisation")
    first_searching, second_sent, calls = threading.Event(), threading.Event(), []
    real = memorisation.measure

    def measure(*args, progress, **kwargs):
        steps = []
        calls.append(steps)

        def watched(length):
            steps.append(length)
            if len(calls) == 1 and len(steps) == 1:  # the first search is under way: a newer sample comes
                first_searching.set()
                second_sent.wait(10)
            progress(length)
        return real(*args, progress=watched, **kwargs)

    answers = []
    jobs.done.connect(lambda key, report, error: answers.append((key[0], report, error)))
    memorisation.measure, saved = measure, memorisation.measure
    try:
        start_memorisation(jobs, "the quick brown fox jumps over the lazy cat", corpus)
        assert first_searching.wait(10)
        start_memorisation(jobs, "a lazy dog jumps over the quick brown fox", corpus)
        second_sent.set()
        qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    finally:
        memorisation.measure = saved
        jobs.shutdown()
    [(sample, report, error)] = answers  # only the newer sample's answer
    assert sample.startswith("a lazy dog") and error is None and report.longest
    assert len(calls) == 2 and len(calls[0]) == 1  # the first search stopped at its next step
    assert len(calls[1]) > 1  # the newer one searched to the end


def test_a_job_runs_torch_on_one_thread_and_is_known_as_the_apps_own_load(jobs, qtbot):
    """Even after another thread set two: a job thread with a torch team of its own would
    slow every training step that follows (gui_threads.py)."""
    import torch

    from rnnlab.core.train.own_load import OWN_LOAD

    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # what a new thread would otherwise take
    try:
        mark = OWN_LOAD.mark()
        jobs.submit("k", lambda progress: (torch.get_num_threads(), OWN_LOAD.quiet_since(mark)))
        qtbot.waitUntil(lambda: bool(jobs.answers), timeout=5000)
    finally:
        torch.set_num_threads(threads)
    assert jobs.answers == [("k", (1, False), None)]
