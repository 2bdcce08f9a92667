"""``sago-tui status``: progress per phase and task from PLAN.md and STATE.md.

A failed task counts as failed, never as completed (a seed bug).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sago_tui.core.drift import detect_drift
from sago_tui.core.errors import PlanError
from sago_tui.core.plan import Plan
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.state import StateStore, TaskStatus
from sago_tui.core.trace import read_trace
from sago_tui.core.traceability import (
    RequirementStatus,
    load_requirements,
    requirement_status,
    task_statuses,
)

PENDING = "pending"


@dataclass(frozen=True)
class TaskRow:
    """One task's status: ``passed``, ``failed``, ``skipped`` or ``pending``."""

    task_id: str
    name: str
    status: str
    timestamp: str = ""
    error: str = ""
    refused: tuple[str, ...] = ()  # writes the task's answer attempted and was refused


@dataclass
class PhaseRow:
    """A phase and its tasks."""

    name: str
    tasks: list[TaskRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for t in self.tasks if t.status == status)


@dataclass
class ProjectStatus:
    """Everything ``status`` shows."""

    name: str
    path: str
    has_plan: bool
    plan_error: str = ""
    active_phase: str = ""
    current_task: str = ""
    last_run: str = ""
    sandbox: str = ""  # how the last run's verify commands ran ("" when unknown)
    sandbox_run: str = ""  # the run id that said so
    phases: list[PhaseRow] = field(default_factory=list)
    drift: str = ""  # one line naming the spec's changes since PLAN.md was made
    requirements: list[RequirementStatus] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(p.count(status) for p in self.phases)

    @property
    def total(self) -> int:
        return sum(len(p.tasks) for p in self.phases)


def last_sandbox(project: Project, *, look_back: int = 20) -> tuple[str, str]:
    """(sandbox label, run id) of the newest run that ran verify commands, from its trace."""
    if not project.traces_dir.is_dir():
        return "", ""
    for path in sorted(project.traces_dir.glob("*.jsonl"), reverse=True)[:look_back]:
        try:
            first = next(read_trace(path), None)
        except OSError:
            continue
        options = (first or {}).get("data", {}).get("options", {})
        if isinstance(options, dict) and options.get("sandbox"):
            return str(options["sandbox"]), path.stem
    return "", ""


def project_status(project: Project) -> ProjectStatus:
    """Read PLAN.md and STATE.md; a broken PLAN.md is reported, not raised."""
    project.require_initialized()
    snapshot = StateStore(project.state_path).snapshot()
    status = ProjectStatus(
        name=project.name,
        path=str(project.root),
        has_plan=project.plan_path.exists(),
        active_phase=snapshot.active_phase,
        current_task=snapshot.current_task,
        last_run=snapshot.last_run,
    )
    status.sandbox, status.sandbox_run = last_sandbox(project)
    if not status.has_plan:
        return status
    try:
        plan: Plan = load_plan(project.plan_path)[0]
    except PlanError as exc:
        status.plan_error = exc.message
        return status
    drift = detect_drift(project)
    status.drift = drift.line() if drift else ""
    if any(task.reqs for task in plan.tasks):
        statuses = task_statuses(snapshot)
        status.requirements = requirement_status(plan, load_requirements(project), statuses)
    for phase in plan.phases:
        row = PhaseRow(phase.name)
        for task in phase.tasks:
            record = snapshot.records.get(task.id)
            if record is None:
                row.tasks.append(TaskRow(task.id, task.name, PENDING))
                continue
            state = {
                TaskStatus.PASSED: "passed",
                TaskStatus.FAILED: "failed",
                TaskStatus.SKIPPED: "skipped",
            }[record.status]
            row.tasks.append(
                TaskRow(
                    task.id, task.name, state, record.timestamp, record.error,
                    tuple(record.refused),
                )
            )  # fmt: skip
        status.phases.append(row)
    return status
