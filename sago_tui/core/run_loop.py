"""Executing a plan's tasks: waves, parallelism, cache, state, git (DESIGN.md §6).

Up to ``parallel`` tasks run at once in worker threads; the loop itself runs
in the calling thread, records every result, and decides what may start next.
After a failure nothing new starts unless ``continue_on_failure``; tasks
already in flight finish and are recorded.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Collection, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from sago_tui.core.bus import EventBus
from sago_tui.core.cache import CacheDecision, TaskCache
from sago_tui.core.cancel import CancelToken
from sago_tui.core.context import ProjectContext
from sago_tui.core.errors import BudgetExceeded, Cancelled, DiskFull, LLMError, SagoError
from sago_tui.core.events import (
    CacheHit,
    CacheMiss,
    ErrorOccurred,
    Event,
    FileRefused,
    GitCommitted,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    WarningIssued,
)
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.gitops import commit_files, commit_message
from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, SKIPPED, RunResult, TaskOutcome
from sago_tui.core.plan import Plan, Task
from sago_tui.core.settings import RunOptions
from sago_tui.core.state import StateStore, TaskStatus
from sago_tui.core.task_runner import TaskRunner
from sago_tui.core.task_status import NOT_RUN_REASON
from sago_tui.core.waves import Scheduler, compute_waves

STATE_WRITE_INTERVAL = 0.25
"""Seconds between STATE.md rewrites during a run (one per task made a 500-task run
rewrite it 1,000 times); the last result is written when the run ends."""


class RunLoop:
    """Runs the scheduled tasks of one plan and fills a :class:`RunResult`."""

    def __init__(
        self,
        plan: Plan,
        options: RunOptions,
        bus: EventBus,
        gateway: LLMGateway,
        state: StateStore,
        cache: TaskCache,
        runner: TaskRunner,
        shared: ProjectContext,
        cancel: CancelToken,
    ) -> None:
        self.plan = plan
        self.options = options
        self.bus = bus
        self.gateway = gateway
        self.state = state
        self.cache = cache
        self.runner = runner
        self.shared = shared
        self.cancel = cancel
        self.rerun: set[str] = set()
        self._lock = threading.Lock()
        self._started: dict[str, float] = {}  # task id -> monotonic start (for failed tasks)
        self._refusals: dict[str, list[str]] = {}  # task id -> "path (reason)", for STATE.md
        self._wave = {t.id: n for n, wave in enumerate(compute_waves(plan), 1) for t in wave}
        # Cached tasks already shown as passed need no STATE.md rewrite (fast cached re-runs).
        self._passed_before = {
            task_id
            for task_id, record in state.snapshot().records.items()
            if record.status == TaskStatus.PASSED
        }

    def execute(self, include: Collection[str], result: RunResult) -> SagoError | None:
        """Run the ``include`` tasks; returns the error that stopped the run, if any."""
        with self.state.coalesced(STATE_WRITE_INTERVAL):
            return self._execute_noting_refusals(include, result)

    def _execute_noting_refusals(
        self, include: Collection[str], result: RunResult
    ) -> SagoError | None:
        scheduler = Scheduler(self.plan, include)
        parallel = max(1, self.options.parallel)
        self.bus.subscribe(self._note_refusal)
        try:
            return self._execute(scheduler, parallel, result)
        finally:
            self.bus.unsubscribe(self._note_refusal)

    def _note_refusal(self, event: Event) -> None:
        """Refused writes go on record with their task (STATE.md, ``status -d``)."""
        if isinstance(event, FileRefused) and event.task_id:
            with self._lock:
                self._refusals.setdefault(event.task_id, []).append(
                    f"{event.path} ({event.reason})"
                )

    def _take_refusals(self, task_id: str) -> list[str]:
        with self._lock:
            return list(dict.fromkeys(self._refusals.pop(task_id, [])))

    def _execute(self, scheduler: Scheduler, parallel: int, result: RunResult) -> SagoError | None:
        futures: dict[Future[TaskOutcome], Task] = {}
        stop_reason = ""
        fatal: SagoError | None = None
        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="sago-task") as pool:
            while True:
                try:
                    if not stop_reason:
                        self._start_ready(scheduler, pool, futures, parallel, result)
                    if not futures:
                        break
                    done, _ = wait(futures, timeout=0.1, return_when=FIRST_COMPLETED)
                    self.state.flush_due()
                except KeyboardInterrupt:
                    self.cancel.cancel("interrupted")
                    continue
                if self.cancel.cancelled and not stop_reason:
                    stop_reason = "interrupted"
                for future in done:
                    task = futures.pop(future)
                    outcome, error = self._collect(task, future)
                    result.outcomes[task.id] = outcome
                    if error is not None:
                        fatal = fatal or error
                        stop_reason = stop_reason or error.message
                    for blocked, why in scheduler.finish(task.id, outcome.ok):
                        result.outcomes[blocked.id] = self._skip(blocked, why, record=True)
                    if not outcome.ok and not self.options.continue_on_failure:
                        stop_reason = stop_reason or f"task {task.id} failed"
        for task in scheduler.stop():
            reason = f"{NOT_RUN_REASON}: {stop_reason}" if stop_reason else NOT_RUN_REASON
            result.outcomes[task.id] = self._skip(task, reason, record=False, status=NOT_RUN)
        return fatal

    def _start_ready(
        self,
        scheduler: Scheduler,
        pool: ThreadPoolExecutor,
        futures: dict[Future[TaskOutcome], Task],
        parallel: int,
        result: RunResult,
    ) -> None:
        """Start what may start. Cache hits are settled here, in the loop's own thread:
        handing each of 500 unchanged tasks to a worker and waiting for it to come back
        cost two thread switches apiece, which a busy machine makes slow."""
        while True:
            ready = scheduler.take_ready(parallel - len(futures))
            if not ready:
                return
            for task in ready:
                # Once cancelled, the worker raises Cancelled for the task, as always.
                decision = None if self.cancel.cancelled else self._decide(task)
                if decision is not None and decision.hit:
                    result.outcomes[task.id] = self._cached(task, decision)
                    scheduler.finish(task.id, True)
                else:
                    futures[pool.submit(self._run_task, task, decision)] = task

    def _decide(self, task: Task) -> CacheDecision | None:
        """The cache's verdict, or None (disabled, or the check failed: the worker checks
        again and reports the failure as the task's)."""
        if not self.options.use_cache:
            return None
        try:
            with self._lock:
                rerun = set(self.rerun)
            return self.cache.check(task, rerun)
        except Exception:
            return None

    def _cached(self, task: Task, decision: CacheDecision) -> TaskOutcome:
        self.bus.emit(CacheHit(task_id=task.id, key=decision.key))
        if task.id not in self._passed_before:
            self.state.record(task.id, task.name, TaskStatus.PASSED)
        outcome = TaskOutcome(task.id, task.name, CACHED, reason="unchanged")
        self._finished(task, outcome)
        return outcome

    def _collect(
        self, task: Task, future: Future[TaskOutcome]
    ) -> tuple[TaskOutcome, SagoError | None]:
        try:
            return future.result(), None
        except (LLMError, BudgetExceeded, Cancelled, DiskFull) as exc:
            # A full disk stops the run like an outage: every next write would fail too.
            return self._interrupted(task, exc), exc
        except Exception as exc:
            # An expected error of this task alone, or a bug: the task fails with the
            # reason and the run goes on as after any failure.
            if isinstance(exc, SagoError):  # e.g. a prompt too large for the model
                message, kind, lines = exc.message, type(exc).__name__, []
            else:  # a bug: the traceback's tail goes to STATE.md
                message, kind = f"internal error: {type(exc).__name__}: {exc}", "internal"
                lines = "".join(traceback.format_exception(exc)).splitlines()[-20:]
            self.bus.emit(ErrorOccurred(task_id=task.id, message=message, error_type=kind))
            self._record_failure(task, message, lines)
            outcome = self._failed_outcome(task, FAILED, message)
            outcome.detail = lines
            self._finished(task, outcome)
            return outcome, None

    def _failed_outcome(self, task: Task, status: str, message: str) -> TaskOutcome:
        """A task that ended in an exception, with the tokens and time it did spend."""
        totals = self.gateway.ledger.for_task(task.id)
        started = self._started.get(task.id)
        return TaskOutcome(
            task.id, task.name, status, error=message, reason=message,
            attempts=totals.calls, tokens=totals.total_tokens, cost_usd=totals.cost_usd,
            cached_tokens=totals.cached_tokens,
            duration_s=time.monotonic() - started if started is not None else 0.0,
        )  # fmt: skip

    def _record_failure(self, task: Task, message: str, detail: Sequence[str] = ()) -> None:
        """STATE.md and the cache learn of a failure; a full disk cannot stop the report."""
        with contextlib.suppress(DiskFull):
            self.state.record(task.id, task.name, TaskStatus.FAILED, error=message, detail=detail)
        self.cache.invalidate(task.id)

    def _interrupted(self, task: Task, exc: SagoError) -> TaskOutcome:
        """The task was cut short by a provider error, the budget or a cancel."""
        totals = self.gateway.ledger.for_task(task.id)
        made_calls = totals.calls > 0 or isinstance(exc, LLMError | DiskFull)
        status = FAILED if made_calls and not isinstance(exc, Cancelled) else NOT_RUN
        outcome = self._failed_outcome(task, status, exc.message)
        if status == FAILED:
            self._record_failure(task, exc.message)
        self._finished(task, outcome)
        return outcome

    def _run_task(self, task: Task, decision: CacheDecision | None = None) -> TaskOutcome:
        self.cancel.raise_if_cancelled()
        self._started[task.id] = time.monotonic()
        if self.options.use_cache:
            if decision is None:
                with self._lock:
                    rerun = set(self.rerun)
                decision = self.cache.check(task, rerun)
            if decision.hit:
                return self._cached(task, decision)
            self.bus.emit(CacheMiss(task_id=task.id, reason=decision.reason))
        else:
            self.bus.emit(CacheMiss(task_id=task.id, reason="cache disabled (--no-cache)"))
        with self._lock:
            self.rerun.add(task.id)
        inputs = self.cache.input_digests(task)
        self.shared.refresh_tree()
        self.bus.emit(
            TaskStarted(
                task_id=task.id, task_name=task.name, phase=task.phase,
                files=list(task.files), depends_on=list(task.depends_on),
                wave=self._wave.get(task.id, 0),
            )
        )  # fmt: skip
        self.state.set_context(active_phase=task.phase, current_task=f"{task.id}: {task.name}")
        outcome = self.runner.run(task)
        outcome.refused = self._take_refusals(task.id)
        if outcome.ok:
            self.cache.store(task, inputs)
            self.state.record(task.id, task.name, TaskStatus.PASSED, refused=outcome.refused)
            if self.options.git_commit:
                self._commit(task, outcome)
        else:
            self.cache.invalidate(task.id)
            self.state.record(
                task.id, task.name, TaskStatus.FAILED,
                error=outcome.error, detail=outcome.detail, refused=outcome.refused,
            )  # fmt: skip
        self._finished(task, outcome)
        return outcome

    def _commit(self, task: Task, outcome: TaskOutcome) -> None:
        message = commit_message(task.id, task.name)
        done = commit_files(self.runner.project.root, outcome.files_written, message)
        self.bus.emit(
            GitCommitted(
                task_id=task.id, success=done.success, sha=done.sha,
                files=list(outcome.files_written), message=message, error=done.error,
            )
        )  # fmt: skip
        if not done.success:
            self.bus.emit(WarningIssued(task_id=task.id, message=f"git commit: {done.error}"))

    def _skip(self, task: Task, reason: str, *, record: bool, status: str = SKIPPED) -> TaskOutcome:
        if record:
            self.state.record(task.id, task.name, TaskStatus.SKIPPED, error=reason)
        self.bus.emit(
            TaskSkipped(task_id=task.id, task_name=task.name, phase=task.phase, reason=reason)
        )
        return TaskOutcome(task.id, task.name, status, reason=reason)

    def _finished(self, task: Task, outcome: TaskOutcome) -> None:
        self.bus.emit(
            TaskFinished(
                task_id=task.id,
                task_name=task.name,
                phase=task.phase,
                success=outcome.ok,
                status=outcome.status,
                duration_s=round(outcome.duration_s, 3),
                error=outcome.error,
                category=outcome.category,
                attempts=outcome.attempts,
                total_tokens=outcome.tokens,
                cached_tokens=outcome.cached_tokens,
                cost_usd=round(outcome.cost_usd, 6),
                estimated_cost_usd=outcome.estimated_cost_usd,
                duration_ms=round(outcome.duration_s * 1000, 1),
            )
        )
