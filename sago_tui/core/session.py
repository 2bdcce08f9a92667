"""One traced command (a run, ``plan`` or ``init --prompt``).

It gives the command a run id and its trace files, emits ``workflow_start``,
turns any ``SagoError`` or Ctrl-C into the result's exit code and reason, and
writes ``workflow_end`` on every path, failures and interrupts included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sago_tui.core.atomic import clean_temp_files
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import (
    DiskFull,
    ExitCode,
    LLMError,
    PlanError,
    ProjectError,
    SagoError,
)
from sago_tui.core.events import ErrorOccurred, WarningIssued, WorkflowFinished, WorkflowStarted
from sago_tui.core.gateway import CostLedger
from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, PASSED, SKIPPED, RunResult
from sago_tui.core.project import Project
from sago_tui.core.secrets import Redactor
from sago_tui.core.settings import RunOptions
from sago_tui.core.state import StateStore
from sago_tui.core.trace import TraceWriter, new_run_id


@dataclass(frozen=True)
class SessionContext:
    """What every traced command shares: where it writes and whom it tells."""

    project: Project
    bus: EventBus
    redactor: Redactor
    cancel: CancelToken
    state: StateStore


def options_summary(run: RunOptions) -> dict[str, Any]:
    """The run options recorded in ``workflow_start``."""
    return {
        "parallel": run.parallel,
        "auto_retry": run.auto_retry,
        "max_retries": run.max_retries,
        "git_commit": run.git_commit,
        "compress": run.compress,
        "cache": run.use_cache,
        "verify": run.verify,
        "continue_on_failure": run.continue_on_failure,
        "max_cost": run.max_cost,
    }


def open_trace(ctx: SessionContext, run_id: str) -> TraceWriter:
    """The run's trace writer; ``ProjectError`` when sago cannot write the project.

    A read-only directory, a ``.planning`` that is a file or a STATE.md that is a
    directory would otherwise surface as an OSError traceback mid-run.
    """
    state = ctx.project.state_path
    if state.exists() and not state.is_file():
        raise ProjectError(f"{state}: not a regular file; sago-tui keeps progress there")
    try:
        ctx.project.ensure_planning_dirs()
        return TraceWriter(ctx.project, run_id, ctx.redactor)
    except OSError as exc:
        where = exc.filename or ctx.project.planning_dir
        raise ProjectError(
            f"{where}: cannot write the project's .planning directory: {exc.strerror or exc}"
        ) from None


def run_traced(
    ctx: SessionContext,
    started: WorkflowStarted,
    body: Callable[[RunResult], None],
    ledger: Callable[[], CostLedger | None],
) -> RunResult:
    """Run ``body`` inside a trace; never raises ``SagoError``."""
    result = RunResult(run_id=new_run_id(), exit_code=ExitCode.OK)
    # Temp files of writes cut short by kill -9 (the caller holds the project's lock).
    clean_temp_files(ctx.project.root)
    try:
        writer = open_trace(ctx, result.run_id)
    except ProjectError as exc:  # nothing can be recorded: say why and stop here
        result.exit_code = exc.exit_code
        result.reason = exc.message
        ctx.bus.emit(ErrorOccurred(message=exc.message, error_type=type(exc).__name__))
        return result
    ctx.bus.subscribe(writer)
    result.trace_path = str(writer.path)
    start = time.monotonic()
    started.run_id = result.run_id
    started.project_path = str(ctx.project.root)
    ctx.bus.emit(started)
    try:
        body(result)
    except SagoError as exc:
        result.exit_code = exc.exit_code
        result.reason = exc.message
        if isinstance(exc, PlanError):
            result.problems = list(exc.problems)
        if not isinstance(exc, LLMError):  # the gateway already reported it
            ctx.bus.emit(ErrorOccurred(message=exc.message, error_type=type(exc).__name__))
    except KeyboardInterrupt:
        ctx.cancel.cancel("interrupted")
        result.exit_code = ExitCode.INTERRUPTED
        result.reason = "interrupted"
    except Exception as exc:  # a bug: the trace must not record it as a success
        result.exit_code = ExitCode.TASK_FAILED
        result.reason = f"internal error: {type(exc).__name__}: {exc}"
        raise
    finally:
        _finish(ctx, result, start, writer, ledger())
    return result


def _finish(
    ctx: SessionContext,
    result: RunResult,
    start: float,
    writer: TraceWriter,
    ledger: CostLedger | None,
) -> None:
    result.duration_s = time.monotonic() - start
    if ledger is not None:
        result.total_tokens = ledger.total.total_tokens
        result.cost_usd = ledger.total.cost_usd
        result.unpriced_calls = ledger.total.unpriced_calls
        result.cached_tokens = ledger.total.cached_tokens
    _record_last_run(ctx, result)
    if writer.failed:
        ctx.bus.emit(WarningIssued(message=f"the trace is incomplete: {writer.failed}"))
    ctx.bus.emit(
        WorkflowFinished(
            success=result.exit_code == ExitCode.OK,
            total_tasks=len(result.plan.tasks) if result.plan else 0,
            passed=result.count(PASSED),
            failed=result.count(FAILED),
            cached=result.count(CACHED),
            skipped=result.count(SKIPPED),
            not_run=result.count(NOT_RUN),
            duration_s=round(result.duration_s, 3),
            exit_code=int(result.exit_code),
            reason=result.reason,
            total_tokens=result.total_tokens,
            cost_usd=round(result.cost_usd, 6),
            cached_tokens=result.cached_tokens,
        )
    )
    writer.close()
    ctx.bus.unsubscribe(writer)


def _record_last_run(ctx: SessionContext, result: RunResult) -> None:
    """STATE.md's "last run" line; a full disk here fails the run instead of crashing it."""
    if not ctx.project.state_path.is_file():
        return
    outcome = "passed" if result.exit_code == ExitCode.OK else result.reason or "failed"
    when = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    try:
        ctx.state.set_context(last_run=f"{result.run_id} ({when}, {outcome})")
    except DiskFull as exc:
        if result.exit_code == ExitCode.OK:
            result.exit_code, result.reason = exc.exit_code, exc.message
