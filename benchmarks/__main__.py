"""``python -m benchmarks [--quick] [--only NAME,...] [--repeat N] [--json FILE]``."""

from __future__ import annotations

import sys

from benchmarks.runner import main

sys.exit(main(sys.argv[1:]))
