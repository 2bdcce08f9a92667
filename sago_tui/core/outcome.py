"""Results of tasks and runs, shared by the orchestrator and every front end."""

from __future__ import annotations

from dataclasses import dataclass, field

from sago_tui.core.errors import ExitCode
from sago_tui.core.plan import Plan
from sago_tui.core.task_status import TaskStatus
from sago_tui.core.traceability import RequirementStatus

PASSED = TaskStatus.PASSED
FAILED = TaskStatus.FAILED
CACHED = TaskStatus.CACHED
SKIPPED = TaskStatus.SKIPPED
NOT_RUN = TaskStatus.NOT_RUN


@dataclass
class TaskOutcome:
    """What happened to one task in a run.

    ``status`` is ``passed``, ``failed``, ``cached``, ``skipped`` (at approval,
    or a dependency failed) or ``not_run`` (the run stopped first).
    """

    task_id: str
    name: str
    status: TaskStatus | str
    attempts: int = 0
    error: str = ""
    category: str = ""
    detail: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float | None = None
    files_written: list[str] = field(default_factory=list)
    reason: str = ""
    refused: list[str] = field(default_factory=list)  # "path (reason)" writes refused

    @property
    def ok(self) -> bool:
        return self.status in (PASSED, CACHED)


@dataclass
class RunResult:
    """The whole run: per-task outcomes in plan order, totals and the exit code."""

    run_id: str
    exit_code: ExitCode
    outcomes: dict[str, TaskOutcome] = field(default_factory=dict)
    duration_s: float = 0.0
    total_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    reason: str = ""
    plan: Plan | None = None
    trace_path: str = ""
    # Per requirement after the run, and the boxes ticked/unticked in REQUIREMENTS.md.
    requirements: list[RequirementStatus] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)
    unticked: list[str] = field(default_factory=list)
    unpriced_calls: int = 0  # calls of a model the price table does not know
    problems: list[str] = field(default_factory=list)  # every error of a bad PLAN.md

    def count(self, status: str) -> int:
        """How many tasks ended with ``status``."""
        return sum(1 for o in self.outcomes.values() if o.status == status)

    @property
    def success(self) -> bool:
        return self.exit_code == ExitCode.OK
