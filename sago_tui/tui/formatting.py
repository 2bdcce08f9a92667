"""Small, pure formatters shared by the widgets: numbers, times, status icons, log lines.

Everything here is cheap string work: at 10,000 events a second the Log formats one
plain line per event, and colour is added only when a line is actually drawn.
"""

from __future__ import annotations

from sago_tui.core.events import (
    BudgetStopped,
    CacheHit,
    CacheMiss,
    Compressed,
    ErrorOccurred,
    Event,
    FileRead,
    FileRefused,
    FileWritten,
    FixAttempted,
    GenericEvent,
    GitCommitted,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    PlanApproved,
    PlanGenerated,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    VerifyRan,
    WarningIssued,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.core.text import one_line

STATUS_ICONS: dict[str, str] = {
    "pending": "○",
    "approved": "◉",
    "skipped": "⊘",
    "running": "▶",
    "passed": "✔",
    "failed": "✘",
    "cached": "≡",
    "not_run": "·",
}
"""One icon per task state, used by the tree, the Feed and the cost table."""

STATUS_COLOURS: dict[str, str] = {
    "pending": "foreground 50%",
    "approved": "accent",
    "skipped": "foreground 50%",
    "running": "warning",
    "passed": "success",
    "failed": "error",
    "cached": "secondary",
    "not_run": "foreground 50%",
}
"""The theme colour (a variable name without ``$``, maybe with an alpha) of each state."""


def icon(status: str) -> str:
    """The icon of a task state (``?`` for an unknown one)."""
    return STATUS_ICONS.get(status, "?")


def call_label(purpose: str, attempt: int) -> str:
    """``task``, ``fix #1`` (the second call of a task is its first fix), ``plan (retry)``."""
    if purpose == "fix":
        return f"fix #{max(1, attempt - 1)}"
    if attempt > 1:
        return f"{purpose} (retry)"
    return purpose


def cached_note(count: int) -> str:
    """`` (1,024 cached)`` for prompt tokens served by the provider's cache, else nothing."""
    return f" ({count:,} cached)" if count else ""


def tokens(count: int) -> str:
    """``12,345``."""
    return f"{count:,}"


def money(value: float | None) -> str:
    """``$0.0123``; ``?`` when the price is unknown."""
    return "?" if value is None else f"${value:.4f}"


def elapsed(seconds: float) -> str:
    """``0:07``, ``12:03`` or ``1:02:03``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: float) -> str:
    """``0.4s``, ``12.0s``, then ``1:05`` from a minute on."""
    return f"{seconds:.1f}s" if seconds < 60 else elapsed(seconds)


def size(n_bytes: int) -> str:
    """``812 B``, ``3.4 KB``, ``1.2 MB``."""
    if n_bytes < 1024:
        return f"{n_bytes} B"
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def diff_stats(diff: str) -> tuple[int, int]:
    """Lines added and removed by a unified diff (headers excluded)."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def clock_time(timestamp: str) -> str:
    """``HH:MM:SS`` of an ISO timestamp as recorded (UTC in traces)."""
    return timestamp[11:19] if len(timestamp) >= 19 else timestamp.ljust(8)


def summary(event: Event) -> str:
    """A one-line description of ``event`` (the Log's last column)."""
    match event:
        case WorkflowStarted():
            return f"{event.command} started · {event.model} · {event.total_tasks} tasks"
        case WorkflowFinished():
            outcome = "succeeded" if event.success else f"ended: {event.reason or 'failed'}"
            return (
                f"{outcome} · {event.passed} passed, {event.failed} failed, {event.cached} "
                f"cached · {tokens(event.total_tokens)} tok · {money(event.cost_usd)}"
            )
        case PlanGenerated():
            return f"PLAN.md written: {event.phases} phases, {event.tasks} tasks"
        case PlanApproved():
            return f"plan approved by {event.approved_by}: {len(event.approved)} tasks"
        case TaskStarted():
            return f"started {event.task_name}"
        case TaskFinished():
            tail = f": {one_line(event.error, 120)}" if event.error else ""
            return f"{event.status} in {event.duration_s:.1f}s{tail}"
        case TaskSkipped():
            return f"skipped: {event.reason}"
        case FileRead():
            return f"read {event.path} ({size(event.size_bytes)})"
        case FileWritten():
            added, removed = diff_stats(event.diff)
            verb = "created" if event.created else "wrote"
            return f"{verb} {event.path} (+{added} -{removed})"
        case FileRefused():
            return f"refused {event.path}: {event.reason}"
        case LLMRequested():
            return f"{event.purpose} call to {event.model} ({tokens(event.prompt_tokens)} tok)"
        case LLMDelta():
            return f"{len(event.text)} characters streamed"
        case LLMCalled():
            return (
                f"{call_label(event.purpose, event.attempt)} · {tokens(event.prompt_tokens)}→"
                f"{tokens(event.completion_tokens)} tok{cached_note(event.cached_tokens)} · "
                f"{money(event.cost_usd)} · "
                f"{event.duration_s:.1f}s"
            )
        case VerifyRan():
            verdict = "passed" if event.success else "timed out" if event.timed_out else "failed"
            return f"verify {verdict}: {one_line(event.command, 80)}"
        case FixAttempted():
            return f"fix #{event.attempt} ({event.category}): {event.outcome}"
        case GitCommitted():
            return (
                f"committed {event.sha[:10]}" if event.success else f"commit failed: {event.error}"
            )
        case CacheHit():
            return "cache hit: unchanged since the last pass"
        case CacheMiss():
            return f"cache miss: {event.reason}"
        case Compressed():
            return (
                f"compressed {tokens(event.original_tokens)}→"
                f"{tokens(event.compressed_tokens)} tok ({event.savings_pct:.0f}%)"
            )
        case BudgetStopped():
            return f"budget reached: {money(event.spent_usd)} of {money(event.max_cost_usd)}"
        case ErrorOccurred():
            return one_line(event.message, 160)
        case WarningIssued():
            return one_line(event.message, 160)
        case GenericEvent():
            return event.kind
    return event.event_type


def log_line(event: Event) -> str:
    """The Log's plain line for ``event``: time, agent, type, task, summary."""
    task = event.task_id or "-"
    text = one_line(summary(event), 240)
    return (
        f"{clock_time(event.timestamp)}  {event.agent[:16]:<16} "
        f"{event.event_type[:13]:<13} {task[:6]:<6} {text}"
    )


LOG_HEADER = f"{'time':<8}  {'agent':<16} {'event':<13} {'task':<6} summary"
"""Column titles matching :func:`log_line`."""
