"""Training: the trainer and its guard, optimisers, evaluation, configurations and presets,
memory checks, devices, events, races."""
