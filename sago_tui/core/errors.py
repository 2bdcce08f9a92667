"""Error types and the documented exit codes (DESIGN.md §2).

Every user mistake surfaces as a :class:`SagoError` whose message is one line
that names the file, line or key at fault; the front ends print the message
and exit with :attr:`SagoError.exit_code` instead of showing a traceback.
"""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    TASK_FAILED = 1
    BAD_INPUT = 2
    PROVIDER_ERROR = 3
    BUDGET_REACHED = 4
    NOT_APPROVED = 5
    INTERRUPTED = 130


class SagoError(Exception):
    """Base class for expected failures; the message is shown to the user as is."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(SagoError):
    """Bad command-line usage."""


class ConfigError(SagoError):
    """An invalid setting; the message names the key and where it came from."""


class ProjectError(SagoError):
    """The path is not a usable project (missing, not writable, no spec files)."""


class PlanError(SagoError):
    """PLAN.md cannot be used; ``problems`` lists every error found, each naming line and task."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems or [message]


MAX_LISTED_PROBLEMS = 20


def more_problems(problems: list[str]) -> list[str]:
    """The lines that follow a one-line error whose message quoted ``problems[0]``: the
    others (up to :data:`MAX_LISTED_PROBLEMS` in all), then how many were left out."""
    rest = [f"  - {p}" for p in problems[1:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        rest.append(f"  … and {len(problems) - MAX_LISTED_PROBLEMS} more")
    return rest


class LLMError(SagoError):
    """The LLM provider failed after retries (auth, unreachable, quota, bad answer).

    ``kind`` is one of ``auth``, ``quota``, ``rate_limit``, ``unreachable``,
    ``timeout``, ``server``, ``bad_request``, ``bad_response``, ``truncated``,
    ``no_recording``. ``retryable`` tells the client's retry loop whether
    another attempt could succeed. ``partial`` is the text received before a
    streamed answer was cut off (kept under ``.planning/raw/``).
    """

    exit_code = ExitCode.PROVIDER_ERROR

    def __init__(
        self,
        message: str,
        *,
        kind: str = "server",
        retryable: bool = False,
        retry_after: float | None = None,
        partial: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after
        self.partial = partial


class BudgetExceeded(SagoError):
    """The next LLM call would cross ``--max-cost``."""

    exit_code = ExitCode.BUDGET_REACHED


class NotApproved(SagoError):
    """The plan has no valid approval and approval is required."""

    exit_code = ExitCode.NOT_APPROVED


class Cancelled(SagoError):
    """The run was stopped by the user (Ctrl-C, Stop, quit)."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)


class DiskFull(SagoError):
    """A write failed because the disk (or the user's quota) is full; the run stops (exit 1)."""

    exit_code = ExitCode.TASK_FAILED


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    """True for an ``OSError`` saying no space (or quota) is left."""
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS
