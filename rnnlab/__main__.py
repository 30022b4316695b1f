"""`python -m rnnlab` runs the same command line as `rnnlab` (the splash first when it opens the window)."""

import sys

from rnnlab.launch import main

sys.exit(main())
