"""SIGKILL during checkpoint saves: the quick version of benchmarks/crash_saves.py."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "crash_saves.py"


def test_a_killed_save_leaves_a_checkpoint_that_loads():
    out = subprocess.run([sys.executable, str(SCRIPT), "--trials", "2", "--hidden", "64", "--json"],
                         capture_output=True, text=True, timeout=300)
    summary = json.loads(out.stdout)
    assert out.returncode == 0, summary["failures"]
    assert summary["loaded"] == 2 and summary["previous"] + summary["new"] == 2
