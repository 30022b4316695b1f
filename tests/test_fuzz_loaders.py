"""Broken and hostile files for every loader: the quick version of benchmarks/fuzz_loaders.py."""

from benchmark_scripts import run_benchmark


def test_only_documented_errors_come_out_and_nothing_runs():
    code, result = run_benchmark("fuzz_loaders", "--inputs", "300", "--seed", "1")
    assert code == 0, result["failures"]
    for name, stats in result["loaders"].items():
        assert stats["inputs"] == 100 and stats["refused"] > 0, name
        assert stats["loaded"] + stats["refused"] == stats["inputs"]


def test_texts_decoded_a_slice_at_a_time_give_only_documented_errors_too():
    code, result = run_benchmark("fuzz_loaders", "--inputs", "150", "--seed", "2", "--slice", "5")
    assert code == 0, result["failures"]
    assert result["loaders"]["text"]["loaded"] > 0 and result["loaders"]["text"]["refused"] > 0
