"""The one vocabulary of task results, shared by the engine, STATE.md, reports, export and app.

A :class:`~enum.StrEnum`, so values compare equal to the strings found in traces, JSON
reports and STATE.md (``TaskStatus.PASSED == "passed"``) and serialise as those strings.
"""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """What happened to a task (or is happening to it)."""

    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    CACHED = "cached"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"
    """The run stopped (user, budget, error) before the task started or finished."""

    @property
    def label(self) -> str:
        """The status as prose: ``not_run`` → ``not run``."""
        return self.value.replace("_", " ")


NOT_RUN_REASON = "not run"
"""How a ``task_skip`` event's reason starts when the run stopped before the task ran."""


def skip_status(reason: str) -> TaskStatus:
    """The result a ``task_skip`` event stands for: ``not_run`` (the run stopped) or ``skipped``."""
    return TaskStatus.NOT_RUN if reason.startswith(NOT_RUN_REASON) else TaskStatus.SKIPPED


DONE = frozenset({TaskStatus.PASSED, TaskStatus.CACHED})
"""Results that count as done (a dependant may run)."""
FINISHED = frozenset({TaskStatus.PASSED, TaskStatus.FAILED, TaskStatus.CACHED, TaskStatus.SKIPPED})
"""Results of a task the run dealt with (``not_run`` is not one: the run never got to it)."""
RECORDED = (TaskStatus.PASSED, TaskStatus.FAILED, TaskStatus.SKIPPED)
"""The results STATE.md records."""
