"""Requirement traceability: which tasks serve which requirement, and which are done (§11).

Tasks name their requirements with ``reqs="REQ-1, REQ-3"``. A REQ id that
REQUIREMENTS.md lacks is an error (a warning when the requirement was removed
after the plan was made: that is drift, and ``plan --update`` fixes it); once any
task names a requirement, each requirement no task covers is a warning. A
requirement is done when every task that covers it passed; its box in
REQUIREMENTS.md then mirrors that (only the mark changes, written atomically).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sago_tui.core.atomic import atomic_write_bytes
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.project import Project
from sago_tui.core.requirements import Requirement, parse_requirements, set_boxes
from sago_tui.core.spec_snapshot import read_text
from sago_tui.core.state import TaskStatus
from sago_tui.core.state_format import StateSnapshot

PENDING = "pending"
_NAMES = {TaskStatus.PASSED: "passed", TaskStatus.FAILED: "failed", TaskStatus.SKIPPED: "skipped"}


@dataclass(frozen=True)
class RequirementStatus:
    """One requirement: its tasks with their status, and whether it is done."""

    id: str
    text: str
    tasks: tuple[tuple[str, str], ...]  # (task id, passed/failed/skipped/pending)
    checked: bool

    @property
    def done(self) -> bool:
        """True when it has tasks and every one of them passed."""
        return bool(self.tasks) and all(status == "passed" for _, status in self.tasks)


def load_requirements(project: Project) -> dict[str, Requirement]:
    """The requirements of the project's REQUIREMENTS.md ({} when there is none)."""
    path = project.spec_path("REQUIREMENTS.md")
    if not path.is_file():
        return {}
    return parse_requirements(read_text(path))


def task_statuses(snapshot: StateSnapshot) -> dict[str, str]:
    """Task id -> ``passed``/``failed``/``skipped`` from STATE.md (pending tasks are absent)."""
    return {task_id: _NAMES[record.status] for task_id, record in snapshot.records.items()}


def trace_issues(
    plan: Plan, requirements: Mapping[str, Requirement], removed: Collection[str] = ()
) -> list[PlanIssue]:
    """Errors for unknown REQ ids, warnings for requirements no task covers."""
    issues: list[PlanIssue] = []
    covered: set[str] = set()
    for task in plan.tasks:
        for req_id in dict.fromkeys(task.reqs):
            covered.add(req_id)
            if req_id in requirements:
                continue
            if req_id in removed:
                message = (
                    f"reqs names {req_id}, which was removed from REQUIREMENTS.md; "
                    "run `sago-tui plan --update`"
                )
                issues.append(PlanIssue("warning", message, task.line, task.id))
            else:
                message = f"reqs names {req_id}, which REQUIREMENTS.md does not define"
                issues.append(PlanIssue("error", message, task.line, task.id))
    if covered:
        for req_id in requirements:
            if req_id not in covered:
                issues.append(PlanIssue("warning", f"{req_id} is covered by no task"))
    return issues


def requirement_status(
    plan: Plan, requirements: Mapping[str, Requirement], statuses: Mapping[str, str]
) -> list[RequirementStatus]:
    """Per requirement (file order): its tasks (plan order) with their status."""
    rows: list[RequirementStatus] = []
    for req in requirements.values():
        tasks = tuple(
            (task.id, statuses.get(task.id, PENDING)) for task in plan.tasks if req.id in task.reqs
        )
        rows.append(RequirementStatus(req.id, req.text, tasks, req.checked))
    return rows


def sync_boxes(project: Project, rows: list[RequirementStatus]) -> tuple[list[str], list[str]]:
    """Tick the boxes of done requirements and untick the others that have tasks.

    Requirements no task covers are left as the user set them. Returns (ticked,
    unticked) ids; REQUIREMENTS.md is rewritten (atomically) only when a box changes.
    """
    wanted = {row.id: row.done for row in rows if row.tasks and row.done != row.checked}
    if not wanted:
        return [], []
    path = project.spec_path("REQUIREMENTS.md")
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    updated = set_boxes(text, wanted)
    if updated != text:
        atomic_write_bytes(path, updated.encode("utf-8", errors="surrogateescape"))
    ticked = [req_id for req_id, done in wanted.items() if done]
    return ticked, [req_id for req_id, done in wanted.items() if not done]
