"""SIGKILL during checkpoint saves: the quick version of benchmarks/crash_saves.py."""

from benchmark_scripts import run_benchmark


def test_a_killed_save_leaves_a_checkpoint_that_loads():
    code, summary = run_benchmark("crash_saves", "--trials", "2", "--hidden", "64")
    assert code == 0, summary["failures"]
    assert summary["loaded"] == 2 and summary["previous"] + summary["new"] == 2
