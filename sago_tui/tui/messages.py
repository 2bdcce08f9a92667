"""Messages between the engine's worker thread, the widgets and the app.

Named in the past tense (they report what happened) and written as dataclasses, like
Posting's. Workers only ever *post* these; widgets are touched on the UI thread alone.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the estimate's modules load after the first frame
    from sago_tui.core.approval import ApprovalDecision
    from sago_tui.core.dry_run import RunEstimate
    from sago_tui.core.events import Event
    from sago_tui.core.outcome import RunResult
    from sago_tui.core.plan import Plan, PlanIssue
    from sago_tui.tui.loader import ProjectSnapshot


@dataclass
class PlanApprovalRequested(Message):
    """The orchestrator (in the worker thread) wants the plan reviewed.

    The worker blocks on ``future.result()``; the UI resolves ``future`` with an
    :class:`ApprovalDecision`, and resolves it as *not approved* when the user stops
    the run or quits, so the worker never hangs.
    """

    plan: Plan
    issues: list[PlanIssue]
    future: Future[ApprovalDecision]


@dataclass
class JobFinished(Message):
    """An engine job (``plan``, ``run``, ``rerun`` or ``spec``) ended in its worker."""

    job: str
    result: RunResult
    stopped: bool = False


@dataclass
class ProjectLoaded(Message):
    """The project's files were read (off the UI thread) into ``snapshot``."""

    snapshot: ProjectSnapshot


@dataclass
class EstimateComputed(Message):
    """The dry-run estimate of the current plan is ready (``error`` when it failed)."""

    estimate: RunEstimate | None
    error: str = ""


@dataclass
class SpecSaved(Message):
    """A spec file was written to disk."""

    name: str


@dataclass
class SpecModified(Message):
    """A spec editor gained or lost unsaved changes."""

    name: str
    unsaved: bool


@dataclass
class EventChosen(Message):
    """The user asked for the full detail of an event (Log row or Feed entry).

    ``event`` is None when only its ``locator`` is known: the event is older than the
    in-memory window and is read back from the run's trace file.
    """

    event: Event | None
    locator: tuple[str, str, str] | None = None


@dataclass
class SettingsSaved(Message):
    """sago.toml was written from the settings screen."""

    path: str


@dataclass
class ReviewKeyPressed(Message):
    """A review key on the Plan tab: ``approved``/``skipped`` (a, s), ``edit`` (e) or
    ``feedback`` (f), for the selected task or the whole plan."""

    action: str


@dataclass
class PlanDecided(Message):
    """The user decided on the plan awaiting approval (approve with skips, or feedback)."""

    decision: ApprovalDecision


@dataclass
class TasksChanged(Message):
    """Review marks (or results) of ``task_ids`` changed: every view of them repaints."""

    task_ids: frozenset[str]


@dataclass
class ReloadRequested(Message):
    """The project's files changed on disk (a job ended, PLAN.md was edited or approved)."""


@dataclass
class RunStarted(Message):
    """A run job started; ``approved``: the user already approved the plan it will ask about."""

    approved: bool


@dataclass
class PlanReplaced(Message):
    """The session's plan was replaced (a new plan to review): rebuild its views."""


@dataclass
class PlanReread(Message):
    """PLAN.md and its approval were re-read into ``snapshot`` (after an edit or approval)."""

    snapshot: ProjectSnapshot


@dataclass
class InitAnswered(Message):
    """The init offer was answered: ``(name, description)``, or None to quit."""

    answer: tuple[str, str] | None


@dataclass
class RunRequested(Message):
    """Start the run as ``r`` does (``--run`` on the command line)."""


@dataclass
class ApprovalRecorded(Message):
    """The engine wrote .planning/approval.json (a ``plan_approval`` event): re-read it."""
