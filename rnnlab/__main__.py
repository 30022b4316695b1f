"""`python -m rnnlab` runs the same command line as `rnnlab`."""

import sys

from rnnlab.cli.main import main

sys.exit(main())
