"""What a run checks about the spec around the plan (DESIGN.md §11).

Before the tasks: drift since PLAN.md was made (one warning naming
``sago-tui plan --update``; with ``strict_spec`` and ``require_approval`` it refuses
the run) and the plan's traceability (unknown REQ ids, uncovered requirements).
After them: each requirement's status, and its box in REQUIREMENTS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sago_tui.core.drift import SpecDrift, detect_drift
from sago_tui.core.errors import NotApproved
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_parser import plan_error
from sago_tui.core.project import Project
from sago_tui.core.settings import RunOptions
from sago_tui.core.state import StateStore
from sago_tui.core.traceability import (
    RequirementStatus,
    load_requirements,
    requirement_status,
    sync_boxes,
    task_statuses,
    trace_issues,
)


@dataclass
class RequirementReport:
    """After a run: every requirement's status, and the boxes changed in REQUIREMENTS.md."""

    rows: list[RequirementStatus] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)
    unticked: list[str] = field(default_factory=list)
    error: str = ""


def plan_trace_issues(
    project: Project, plan: Plan, drift: SpecDrift | None = None
) -> list[PlanIssue]:
    """The plan's traceability warnings; :class:`PlanError` for a REQ id nobody defines.

    A requirement removed since the plan was made is drift, so only a warning.
    """
    drift = detect_drift(project) if drift is None else drift
    removed = {c.subject for c in drift.changes if c.kind == "removed"} if drift else set()
    issues = trace_issues(plan, load_requirements(project), removed)
    errors = [issue for issue in issues if issue.severity == "error"]
    if errors:
        raise plan_error(errors)
    return issues


def check_spec(
    project: Project, plan: Plan, options: RunOptions
) -> tuple[SpecDrift | None, list[PlanIssue]]:
    """The drift and traceability findings for running ``plan``.

    Raises :class:`PlanError` for an unknown REQ id and :class:`NotApproved` for
    drift when ``strict_spec`` and ``require_approval`` are both on.
    """
    drift = detect_drift(project)
    issues = plan_trace_issues(project, plan, drift)
    if drift and options.strict_spec and options.require_approval:
        raise NotApproved(
            f"the spec changed since PLAN.md was made ({drift.summary()}) and strict_spec is "
            "on: run `sago-tui plan --update`, review and approve the plan, then run again"
        )
    return drift, issues


def record_requirements(project: Project, plan: Plan, options: RunOptions) -> RequirementReport:
    """Each requirement's status after a run; its box follows it unless turned off."""
    requirements = load_requirements(project)
    if not requirements or not any(task.reqs for task in plan.tasks):
        return RequirementReport()
    statuses = task_statuses(StateStore(project.state_path).snapshot())
    rows = requirement_status(plan, requirements, statuses)
    report = RequirementReport(rows)
    if options.check_requirements:
        try:
            report.ticked, report.unticked = sync_boxes(project, rows)
        except OSError as exc:  # the report still says what is done; the caller warns
            report.error = f"could not update REQUIREMENTS.md: {exc.strerror or exc}"
    return report
