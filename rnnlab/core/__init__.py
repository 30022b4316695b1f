"""The rnnlab engine, in groups: data/ (texts in), nn/ (the networks and their analyses),
train/ (training), io/ (files out and back), analysis/ (text statistics); paths.py (the data
folder) and errors.py (the error kinds every group raises).

Plain Python + torch + numpy. This package never imports Qt (a test enforces it), so
scripts, the CLI and the tests can use it without a display.
"""
