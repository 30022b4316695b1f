"""The GUI thread's torch work (probes, views, scores) runs on one CPU thread.

torch's thread count belongs to each calling thread (OpenMP), and every thread that runs
torch's parallel work keeps a team of its own. Training on its own thread beside a GUI
thread with a team of two ran at ~0.6x the speed of training alone (benchmarks/RESULTS.md,
"The window against the CLI"): so the GUI thread keeps one, and the training thread sets
its own count (training_worker.start_training_thread).
"""

from __future__ import annotations

import torch


def keep_gui_thread_to_one_torch_thread() -> None:
    """Call on the GUI thread, before it runs any torch work."""
    torch.set_num_threads(1)
