"""`python -m pipelines run`: the pipeline from the command line (see `pipelines.cli`)."""

import sys

from pipelines.cli import main

sys.exit(main())
