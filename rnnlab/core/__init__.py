"""The rnnlab engine: corpus, model, trainer, sampler, probe, checkpoints.

Plain Python + torch + numpy. This package never imports Qt (a test enforces it), so
scripts, the CLI and the tests can use it without a display.
"""
