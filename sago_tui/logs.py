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

from sago_tui.core.secrets import Redactor

_FORMAT = "sago-tui %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replaces secret values (and key-shaped tokens) in every record it passes."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redactor.redact_output(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(
    level: str, stream: TextIO | None = None, redactor: Redactor | None = None
) -> None:
    """Send ``sago_tui`` log records at ``level`` and above to ``stream`` (stderr).

    Every record passes ``redactor`` (default: the environment's secrets) first.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(redactor or Redactor.from_environment()))
    logger = logging.getLogger("sago_tui")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    if level == "DEBUG":
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.DEBUG)
