"""Every thread but the training one runs its torch work on one CPU thread.

torch's thread count belongs to each calling thread (OpenMP), and a thread that runs
torch's parallel work keeps a team of its own for as long as it lives. Training beside
a GUI thread with a team of two ran at ~0.6x the speed of training alone; and once the
sampling thread had copied the weights with a team of two, the process had more OpenMP
threads than cores, OpenMP stopped spinning between parallel regions, and every training
step that followed was ~25% slower (benchmarks/RESULTS.md, "The window against the CLI at
their defaults"). So the GUI thread, the sampling thread and the job threads keep one, and
the training thread sets its own count (training_worker.start_training_thread). A new
thread takes the count last set anywhere, so each one sets its own, first.
"""

from __future__ import annotations

import torch


def keep_to_one_torch_thread() -> None:
    """Call in a thread other than the training one, before it runs any torch work."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
