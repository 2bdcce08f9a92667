"""Logging for the command-line front ends (``LOG_LEVEL``).

The engine logs through the ``sago_tui`` logger (LLM retries, for example);
the headless commands print those records to stderr. ``DEBUG`` also shows the
debug records of the HTTP libraries underneath (litellm's own logger stays
silent: it would log prompts). The full-screen app does not install this
handler: stderr belongs to the terminal there.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

_FORMAT = "sago-tui %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Send ``sago_tui`` log records at ``level`` and above to ``stream`` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger = logging.getLogger("sago_tui")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    if level == "DEBUG":
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.DEBUG)
