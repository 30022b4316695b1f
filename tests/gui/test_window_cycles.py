"""Open, train, sample, close — a few times in one process: the quick version of
benchmarks/window_cycles.py (100 cycles)."""

from benchmark_scripts import run_benchmark


def test_cycles_leave_no_thread_and_no_qt_warning():
    code, result = run_benchmark("window_cycles", "--cycles", "3")
    assert code == 0, result
    assert result["cycles"] == 3 and result["problems"] == [] and result["qt_warnings"] == []
    assert result["leftover_python_threads"] == []
