"""The `rnnlab` command line: the app launcher and headless train/sample/inspect/corpora."""
