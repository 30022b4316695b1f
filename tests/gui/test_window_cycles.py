"""Open, train, sample, close — a few times in one process: the quick version of
benchmarks/window_cycles.py (100 cycles)."""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "window_cycles.py"


def test_cycles_leave_no_thread_and_no_qt_warning():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, str(SCRIPT), "--cycles", "3", "--json"],
                         capture_output=True, text=True, timeout=300, env=env)
    result = json.loads(out.stdout)
    assert out.returncode == 0, result
    assert result["cycles"] == 3 and result["problems"] == [] and result["qt_warnings"] == []
    assert result["leftover_python_threads"] == []
