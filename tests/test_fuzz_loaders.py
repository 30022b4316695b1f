"""Broken and hostile files for every loader: the quick version of benchmarks/fuzz_loaders.py."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_loaders.py"


def test_only_documented_errors_come_out_and_nothing_runs():
    out = subprocess.run([sys.executable, str(SCRIPT), "--inputs", "300", "--seed", "1", "--json"],
                         capture_output=True, text=True, timeout=300)
    result = json.loads(out.stdout)
    assert out.returncode == 0, result["failures"]
    for name, stats in result["loaders"].items():
        assert stats["inputs"] == 100 and stats["refused"] > 0, name
        assert stats["loaded"] + stats["refused"] == stats["inputs"]
