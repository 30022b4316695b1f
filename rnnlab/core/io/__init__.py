"""Files out and back: checkpoints, atomic writes, run state, autosaves, lessons, reports,
the loss history CSV."""
