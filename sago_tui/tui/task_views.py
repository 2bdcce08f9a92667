"""The app's in-memory model of the plan and the current run (UI thread only).

Plain Python, no widgets: the dispatcher feeds drained events into
:meth:`Session.apply`, which returns the ids of the tasks whose row changed, so only
those tree nodes, cost rows and card headers are redrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from sago_tui.core.events import (
    Event,
    LLMCalled,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.core.plan import Plan, PlanIssue, Task
from sago_tui.core.task_status import FINISHED, TaskStatus, skip_status

RUN_COMMANDS = frozenset({"run", "execute"})
APPROVED, SKIPPED = "approved", TaskStatus.SKIPPED


@dataclass
class TaskView:
    """One task as the app shows it: review mark, last result, live status, costs."""

    task: Task
    mark: str | None = None  # "approved" or "skipped" while reviewing
    record: str | None = None  # passed / failed / skipped from STATE.md
    live: str | None = None  # running / passed / failed / cached / skipped this session
    error: str = ""
    attempts: int = 0
    tokens: int = 0
    cost: float = 0.0
    duration: float = 0.0
    estimate: float | None = None
    est_tokens: int = 0

    @property
    def status(self) -> str:
        """The state shown by the icon: this session's result, then a skip mark, then the
        last run's pass or failure (STATE.md), then the review mark.

        A skip recorded by an earlier run is not shown: the task is pending again unless
        it is marked skipped now (the detail keeps the recorded reason).
        """
        if self.live:
            return self.live
        if self.mark == SKIPPED:
            return SKIPPED
        if self.record in (TaskStatus.PASSED, TaskStatus.FAILED):
            return self.record
        return self.mark or "pending"

    def set_mark(self, mark: str | None) -> None:
        """A review decision about the next run: an old skip or not-run result no longer shows."""
        self.mark = mark
        if self.live in (TaskStatus.SKIPPED, TaskStatus.NOT_RUN):
            self.live = None


class Session:
    """Plan, per-task views and run totals (the phase is the app's: ``SagoApp.phase``)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.plan: Plan | None = None
        self.issues: list[PlanIssue] = []
        self.tasks: dict[str, TaskView] = {}
        self.outcome = ""
        self.scope: set[str] = set()
        self.tokens = 0
        self.cached_tokens = 0  # prompt tokens served by the provider's prompt cache
        self.cost = 0.0
        self.started_at: float | None = None
        self.run_clock = False  # the clock restarted when the run itself began
        self.duration: float | None = None

    # -- plan ------------------------------------------------------------------------------
    def set_plan(self, plan: Plan | None, issues: list[PlanIssue]) -> None:
        """Replace the plan, keeping what is known about tasks whose id survives."""
        old = self.tasks
        self.plan, self.issues = plan, list(issues)
        self.tasks = {}
        for task in plan.tasks if plan else []:
            view = old.get(task.id)
            if view is None:
                view = TaskView(task)
            else:
                view.task = task
            self.tasks[task.id] = view

    def set_records(self, records: dict[str, str], errors: dict[str, str]) -> None:
        """Results from STATE.md."""
        for task_id, view in self.tasks.items():
            view.record = records.get(task_id)
            view.error = errors.get(task_id, view.error)

    def set_marks(self, skipped: Collection[str], approved: bool) -> None:
        """Review marks: ``skipped`` tasks skipped, the others approved (or unmarked)."""
        for task_id, view in self.tasks.items():
            view.mark = SKIPPED if task_id in skipped else (APPROVED if approved else None)

    def skipped(self) -> frozenset[str]:
        """Ids of the tasks marked skipped."""
        return frozenset(t for t, v in self.tasks.items() if v.mark == SKIPPED)

    def warnings_for(self, task_id: str) -> list[PlanIssue]:
        """Validator findings about one task."""
        return [issue for issue in self.issues if issue.task_id == task_id]

    # -- run -------------------------------------------------------------------------------
    @property
    def progress(self) -> tuple[int, int]:
        """(done, total) for the run in progress or the last one."""
        done = sum(1 for t in self.scope if t in self.tasks and self.tasks[t].live in FINISHED)
        return done, len(self.scope)

    @property
    def elapsed(self) -> float | None:
        """Seconds since the current job started (its duration once it ended)."""
        if self.duration is not None:
            return self.duration
        if self.started_at is None:
            return None
        return self.clock() - self.started_at

    def failed_ids(self) -> list[str]:
        """Tasks whose last result is a failure (this session, else STATE.md)."""
        return [t for t, v in self.tasks.items() if (v.live or v.record) == TaskStatus.FAILED]

    def begin_job(self, scope: Collection[str] | None, *, run: bool = True) -> None:
        """A job starts: reset totals and the clock.

        For a run, ``scope`` (None: every task) bounds the progress; a plan or spec job
        runs no task, so it shows no progress (never "0/7" beside a tree of passed tasks).
        """
        self.set_scope(scope if run else ())
        self.tokens, self.cost, self.outcome = 0, 0.0, ""
        self.cached_tokens = 0
        self.started_at, self.duration, self.run_clock = self.clock(), None, False

    def start_clock(self) -> None:
        """Elapsed time counts from now (the run itself starts: after planning and review)."""
        self.started_at, self.duration, self.run_clock = self.clock(), None, True

    def set_scope(self, scope: Collection[str] | None) -> None:
        """The tasks the run covers (None: every task), for the progress count."""
        self.scope = set(self.tasks if scope is None else scope) & set(self.tasks)

    def apply(self, event: Event) -> str | None:
        """Update the model; return the id of a task whose row changed."""
        view = self.tasks.get(event.task_id or "")
        match event:
            case WorkflowStarted() if event.command in RUN_COMMANDS:
                for task_id in self.scope:
                    self.tasks[task_id].live = None
            case WorkflowFinished():
                self.tokens, self.cost = event.total_tokens, event.cost_usd
                self.cached_tokens = event.cached_tokens
                # The run's own time: the workflow's duration includes planning and review.
                self.duration = self.elapsed if self.run_clock else event.duration_s
            case LLMCalled():
                self.tokens += event.total_tokens
                self.cached_tokens += event.cached_tokens
                self.cost += event.cost_usd or 0.0
                if view is not None:
                    view.tokens += event.total_tokens
                    view.cost += event.cost_usd or 0.0
                    return view.task.id
            case TaskStarted() if view is not None:
                view.live, view.tokens, view.cost, view.error = TaskStatus.RUNNING, 0, 0.0, ""
                self.scope.add(view.task.id)
                return view.task.id
            case TaskFinished() if view is not None:
                view.live, view.error, view.attempts = event.status, event.error, event.attempts
                view.duration = event.duration_s
                view.tokens, view.cost = event.total_tokens, event.cost_usd
                if view.estimate is None:  # the app's own (pre-run) estimate wins
                    view.estimate = event.estimated_cost_usd
                self.scope.add(view.task.id)
                return view.task.id
            case TaskSkipped() if view is not None:
                view.live, view.error = skip_status(event.reason), event.reason
                return view.task.id
        return None
