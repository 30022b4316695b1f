"""ThreadFit: the thread count the steps' own speed says is fastest, and a new choice when
another process takes a core or leaves it."""

import pytest

from rnnlab.core.train.thread_fit import ThreadFit, candidates


def run(fit: ThreadFit, speed_of, steps: int, chars: int = 1000) -> list[int]:
    """`steps` steps at the count fit wants, each at speed_of(threads) chars/s; the counts used."""
    used = []
    for _ in range(steps):
        threads = fit.want()
        used.append(threads)
        fit.step_done(chars, chars / speed_of(threads), threads)
    return used


IDLE = {2: 140_000, 1: 61_000}.get
BUSY = {2: 26_000, 1: 55_000}.get  # one core taken by another process


def test_candidates_are_all_cores_half_and_one():
    assert candidates(2) == [2, 1] and candidates(1) == [1] and candidates(8) == [8, 4, 1]


def test_an_idle_machine_gets_every_core():
    fit = ThreadFit([2, 1], probe_steps=4)
    used = run(fit, IDLE, 40)
    assert fit.chosen == 2 and used[-20:] == [2] * 20
    assert used.count(1) == 5  # the probe of one thread: its first step is not timed


def test_a_busy_core_makes_it_drop_a_thread_and_a_free_one_brings_it_back():
    fit = ThreadFit([2, 1], probe_steps=4, recheck_seconds=1.0)
    run(fit, IDLE, 30)
    assert fit.chosen == 2
    used = run(fit, BUSY, 40)
    assert fit.chosen == 1 and used[-10:] == [1] * 10
    assert used.index(1) <= 12  # noticed within a few steps
    run(fit, IDLE, 200)  # the rechecks find that two are fast again
    assert fit.chosen == 2 and fit.changes == 2


def test_noise_does_not_make_it_switch():
    fit = ThreadFit([2, 1], probe_steps=4, recheck_seconds=0.1)
    run(fit, {2: 100_000, 1: 98_000}.get, 300)
    assert fit.chosen == 2 and fit.changes == 0  # 2% apart: keeps the first choice


def test_it_refuses_no_counts():
    with pytest.raises(ValueError):
        ThreadFit([])
