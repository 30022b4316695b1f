"""The engine must import and work without Qt: the app depends on it, never the reverse."""

import subprocess
import sys

CODE = """
import sys
import rnnlab.core.data.corpus, rnnlab.core.train.trainer, rnnlab.core.nn.sampler, rnnlab.core.nn.probe
import rnnlab.core.io.checkpoint, rnnlab.core.io.run_state, rnnlab.cli.main
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))
print(','.join(bad))
"""


def test_core_and_cli_import_without_qt():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
