"""OwnLoad and the thread-count measurement: a step that overlapped the process's own other
work (a sample being written, a text search) does not judge a thread count."""

import threading

import pytest
import torch

from rnnlab.core.train.own_load import OwnLoad
from rnnlab.core.train.thread_fit import FittedThreads, ThreadFit


@pytest.fixture(autouse=True)
def keep_torch_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_quiet_until_work_runs_or_has_run():
    load = OwnLoad()
    mark = load.mark()
    assert load.quiet_since(mark)
    with load.running():
        assert not load.quiet_since(mark) and not load.quiet_since(load.mark())  # running now
    assert not load.quiet_since(mark)  # it ran since
    assert load.quiet_since(load.mark())


def test_work_on_another_thread_counts():
    load, started, release = OwnLoad(), threading.Event(), threading.Event()
    mark = load.mark()

    def work():
        with load.running():
            started.set()
            release.wait(5)

    thread = threading.Thread(target=work)
    thread.start()
    assert started.wait(5)
    assert not load.quiet_since(mark)
    release.set()
    thread.join(5)
    assert load.quiet_since(load.mark())


class FakeTrainer:
    last_step = (1000, 0.0)


def test_a_probe_overlapping_a_sample_still_picks_the_fast_count():
    """Two threads are fast, but a sample slows the steps it overlaps to a crawl: those are
    not measured, so the sample cannot make the window train on one thread."""
    load, trainer = OwnLoad(), FakeTrainer()
    fitted = FittedThreads(ThreadFit([2, 1], probe_steps=4), load)
    speed = {2: 140_000, 1: 61_000}
    for step in range(40):
        threads = torch.get_num_threads()
        if 2 <= step < 8:  # a sample runs during these steps, in another thread
            with load.running():
                trainer.last_step = (1000, 1000 / 20_000)
        else:
            trainer.last_step = (1000, 1000 / speed[threads])
        fitted.after_step(trainer)
    assert fitted.fit.chosen == 2 and torch.get_num_threads() == 2


def test_without_the_guard_the_same_sample_would_pick_one_thread():
    """The test above can fail: fed the disturbed steps as if quiet, the fit picks 1."""
    fit = ThreadFit([2, 1], probe_steps=4)
    speed = {2: 140_000, 1: 61_000}
    for step in range(40):
        threads = fit.want()
        fit.step_done(1000, 1000 / (20_000 if 2 <= step < 8 else speed[threads]), threads)
    assert fit.chosen == 1


def test_disturbed_steps_do_not_trigger_a_new_probe():
    fit = ThreadFit([2, 1], probe_steps=4, recheck_seconds=1e9)
    for _ in range(30):
        threads = fit.want()
        fit.step_done(1000, 1000 / {2: 140_000, 1: 61_000}[threads], threads)
    assert fit.chosen == 2 and not fit._queue
    for _ in range(10):  # a long check of the text, beside training
        fit.step_done(1000, 1000 / 20_000, 2, disturbed=True)
    assert fit.want() == 2 and not fit._queue
