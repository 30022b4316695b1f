"""Run a script from benchmarks/ with --json, as the quick tests of the long checks do."""

import json
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_benchmark(name: str, *args: str, timeout: float = 300) -> tuple[int, dict]:
    """(exit code, the JSON it printed) of benchmarks/NAME.py ARGS --json, offscreen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), *args, "--json"],
                         capture_output=True, text=True, timeout=timeout, env=env)
    return out.returncode, json.loads(out.stdout)
