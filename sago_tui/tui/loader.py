"""Reading a project's files for the app, off the UI thread.

:func:`load_snapshot` runs in a thread worker after the first frame: the spec files,
PLAN.md (parsed and validated), the recorded approval and STATE.md's task results.
:func:`compute_estimate` is the Cost tab's dry run, also run in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sago_tui.core.approval import ApprovalStatus, check_approval
from sago_tui.core.errors import PlanError, SagoError
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.project import SPEC_FILES, Project
from sago_tui.core.settings import Settings
from sago_tui.core.state import StateStore

if TYPE_CHECKING:
    from sago_tui.core.dry_run import RunEstimate

MAX_EDITABLE_BYTES = 2_000_000
"""Spec files larger than this are not loaded into an editor."""


@dataclass
class ProjectSnapshot:
    """Everything the app shows about a project when it opens (or reloads)."""

    initialized: bool
    specs: dict[str, str | None] = field(default_factory=dict)
    """Spec file name → text (None when the file does not exist)."""
    spec_errors: dict[str, str] = field(default_factory=dict)
    plan: Plan | None = None
    issues: list[PlanIssue] = field(default_factory=list)
    plan_error: str = ""
    has_plan_file: bool = False
    approval: ApprovalStatus | None = None
    records: dict[str, str] = field(default_factory=dict)
    """Task id → ``passed``, ``failed`` or ``skipped`` from STATE.md."""
    record_errors: dict[str, str] = field(default_factory=dict)
    has_trace: bool = False
    """A run (or plan) left ``.planning/trace.jsonl`` behind: ``h`` can export it."""


def read_spec(project: Project, name: str) -> tuple[str | None, str]:
    """(text, problem) of one spec file; text is None when missing or unreadable."""
    path = project.spec_path(name)
    try:
        if path.stat().st_size > MAX_EDITABLE_BYTES:
            return None, f"{name} is larger than 2 MB; edit it outside the app"
        return path.read_text(encoding="utf-8"), ""
    except FileNotFoundError:
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read {name}: {exc}"


def load_plan_state(project: Project, snapshot: ProjectSnapshot) -> None:
    """Fill the plan, its issues or error, and its approval status into ``snapshot``."""
    snapshot.plan, snapshot.issues, snapshot.plan_error = None, [], ""
    snapshot.approval = None
    snapshot.has_plan_file = project.plan_path.is_file()
    if not snapshot.has_plan_file:
        return
    try:
        text = project.plan_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        snapshot.plan_error = f"cannot read PLAN.md: {exc}"
        return
    try:
        snapshot.plan, snapshot.issues = parse_plan(text)
    except PlanError as exc:
        snapshot.plan_error = "\n".join(exc.problems)
        return
    snapshot.approval = check_approval(project, text)


def load_snapshot(project: Project) -> ProjectSnapshot:
    """Read the project (safe to call from any thread; never raises for bad files)."""
    snapshot = ProjectSnapshot(initialized=project.is_initialized())
    for name in SPEC_FILES:
        text, problem = read_spec(project, name)
        snapshot.specs[name] = text
        if problem:
            snapshot.spec_errors[name] = problem
    load_plan_state(project, snapshot)
    snapshot.has_trace = project.latest_trace_path.is_file()
    if project.state_path.is_file():
        try:
            records = StateStore(project.state_path).snapshot().records
        except (OSError, ValueError):
            records = {}
        for task_id, record in records.items():
            snapshot.records[task_id] = str(record.status.value)
            if record.error:
                snapshot.record_errors[task_id] = record.error
    return snapshot


def estimate_model(settings: Settings) -> str:
    """The model a run will be billed as: the cassette's when replaying."""
    if settings.llm.replay is not None:
        from sago_tui.core.cassette import load_cassette

        try:
            return load_cassette(settings.llm.replay)[0]
        except SagoError:
            pass
    return settings.llm.litellm_model


def compute_estimate(project: Project, settings: Settings, plan: Plan) -> RunEstimate:
    """The dry-run estimate of ``plan`` (slow: builds every prompt; call in a worker)."""
    from sago_tui.core.dry_run import estimate_run

    return estimate_run(project, settings, plan, model=estimate_model(settings))
