"""The data every report is rendered from: a run's result plus what its events said.

:func:`build_report` joins a :class:`~sago_tui.core.outcome.RunResult` and a
:class:`~sago_tui.reports.recorder.RunRecorder` into a :class:`RunReport` that lists
*every* task of the plan, so a run refused at approval or stopped early still reports
the tasks it never reached. Every string passes through the redactor here, once, so
no writer can leak a key.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sago_tui.core.errors import ExitCode
from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, SKIPPED, RunResult
from sago_tui.core.secrets import Redactor
from sago_tui.reports.recorder import RunRecorder
from sago_tui.reports.text import clean, flat, tail

OUTPUT_TAIL_LINES = 30


@dataclass
class TaskReport:
    """One task's line in every report."""

    id: str
    name: str
    phase: str
    status: str
    reason: str = ""  # one line: why it failed, was skipped, or came from the cache
    error: str = ""
    category: str = ""
    attempts: int = 0
    fix_attempts: int = 0
    tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float | None = None
    duration_s: float = 0.0
    files: list[str] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    verify: str = ""
    verify_exit_code: int | None = None
    verify_passed: bool | None = None
    verify_timed_out: bool = False
    output_tail: str = ""


@dataclass
class RunReport:
    """A whole run, ready to render."""

    run_id: str
    command: str
    project: str
    model: str
    exit_code: int
    reason: str
    started_at: str
    finished_at: str
    duration_s: float
    tokens: int
    cost_usd: float
    max_cost_usd: float | None
    trace: str
    hostname: str
    tasks: list[TaskReport] = field(default_factory=list)
    cached_tokens: int = 0  # prompt tokens served by the provider's prompt cache

    @property
    def exit_status(self) -> str:
        """``ok``, ``task_failed``, ``bad_input``, … (the :class:`ExitCode` name)."""
        try:
            return ExitCode(self.exit_code).name.lower()
        except ValueError:
            return "unknown"

    def count(self, status: str) -> int:
        return sum(1 for task in self.tasks if task.status == status)

    @property
    def estimated_cost_usd(self) -> float | None:
        """Sum of the known task estimates (None when no task had one)."""
        known = [t.estimated_cost_usd for t in self.tasks if t.estimated_cost_usd is not None]
        return sum(known) if known else None


def _reason(status: str, error: str, reason: str, run_reason: str) -> str:
    if status == FAILED:
        return flat(error or reason or "failed")
    if status == CACHED:
        return "cached: unchanged since it last passed (no LLM call)"
    if status == NOT_RUN:
        if reason:
            return flat(reason)
        return flat(f"not run: {run_reason}") if run_reason else "not run"
    return flat(reason)


def build_report(
    result: RunResult, recorder: RunRecorder, project_root: Path, redactor: Redactor
) -> RunReport:
    """The report of ``result``; every string in it is redacted and cleaned."""
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    report = RunReport(
        run_id=result.run_id,
        command=recorder.command or "run",
        project=str(project_root),
        model=recorder.model,
        exit_code=int(result.exit_code),
        reason=flat(result.reason),
        started_at=recorder.started_at or now,
        finished_at=recorder.finished_at or now,
        duration_s=round(result.duration_s, 3),
        tokens=result.total_tokens,
        cost_usd=round(result.cost_usd, 6),
        max_cost_usd=recorder.max_cost,
        trace=result.trace_path,
        hostname=socket.gethostname() or "localhost",
        cached_tokens=result.cached_tokens,
    )
    plan_tasks = result.plan.tasks if result.plan is not None else []
    by_id = {t.id: t for t in plan_tasks}
    # Plan order first; an outcome for a task the plan no longer has still shows up.
    ids = [*by_id, *(task_id for task_id in result.outcomes if task_id not in by_id)]
    for task_id in ids:
        task = by_id.get(task_id)
        outcome = result.outcomes.get(task_id)
        status = outcome.status if outcome else NOT_RUN
        seen = recorder.verify.get(task_id)
        detail = "\n".join(outcome.detail) if outcome and outcome.detail else ""
        entry = TaskReport(
            id=task_id,
            name=flat(task.name if task else outcome.name if outcome else ""),
            phase=flat(task.phase) if task else "",
            status=status,
            reason=_reason(
                status,
                outcome.error if outcome else "",
                outcome.reason if outcome else "",
                result.reason,
            ),
            files=list(task.files) if task else [],
            verify=clean(task.verify).strip() if task else (seen.command if seen else ""),
        )
        if outcome is not None:
            entry.error = flat(outcome.error)
            entry.category = outcome.category
            entry.attempts = outcome.attempts
            entry.tokens = outcome.tokens
            entry.cached_tokens = outcome.cached_tokens
            entry.cost_usd = round(outcome.cost_usd, 6)
            entry.estimated_cost_usd = outcome.estimated_cost_usd
            entry.duration_s = round(outcome.duration_s, 3)
            entry.files_written = list(outcome.files_written)
        entry.fix_attempts = recorder.fixes.get(task_id, 0)
        if seen is not None and status not in (CACHED, SKIPPED, NOT_RUN):
            entry.verify_passed = seen.passed
            entry.verify_exit_code = seen.exit_code
            entry.verify_timed_out = seen.timed_out
        if status == FAILED:
            entry.output_tail = tail(detail or (seen.output if seen else ""), OUTPUT_TAIL_LINES)
        report.tasks.append(_redacted(entry, redactor))
    return _redacted(report, redactor)


_Item = TypeVar("_Item", TaskReport, RunReport)


def _redacted(item: _Item, redactor: Redactor) -> _Item:
    """A copy of ``item`` with the redactor applied to its string and list fields."""
    changes: dict[str, Any] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str):
            changes[f.name] = redactor.redact(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            changes[f.name] = [redactor.redact(v) for v in value]
    return replace(item, **changes)
