"""The headless front end: one plain line per event, then a summary table.

It is an event sink like the TUI, fed by the same orchestrator. Output has no
ANSI codes when stdout is not a terminal (the console decides), and nothing
here ever waits for input.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sago_tui.core.events import (
    BudgetStopped,
    CacheHit,
    CacheMiss,
    ErrorOccurred,
    Event,
    FileRefused,
    FileWritten,
    FixAttempted,
    GitCommitted,
    LLMCalled,
    PlanApproved,
    PlanGenerated,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    VerifyRan,
    WarningIssued,
    WorkflowStarted,
)
from sago_tui.core.outcome import RunResult
from sago_tui.core.text import one_line, tail_lines

QUIET, NORMAL, VERBOSE = 0, 1, 2
FAIL_TAIL_LINES = 12


def tokens(n: int) -> str:
    """``12,345``."""
    return f"{n:,}"


def money(value: float | None) -> str:
    """``$0.0123``, or ``?`` when the price is unknown."""
    return "?" if value is None else f"${value:.4f}"


class HeadlessPrinter:
    """An event sink that prints the live log."""

    # Lines that matter even in --quiet mode (failed task ends are added below).
    _ALWAYS = (ErrorOccurred, BudgetStopped, FileRefused)
    # Lines only shown with --verbose.
    _VERBOSE = (CacheMiss, LLMCalled, FileWritten, GitCommitted, PlanApproved)

    def __init__(self, console: Console, verbosity: int = NORMAL) -> None:
        self.console = console
        self.verbosity = verbosity

    def __call__(self, event: Event) -> None:
        failed_task = isinstance(event, TaskFinished) and not event.success
        if self.verbosity == QUIET and not isinstance(event, self._ALWAYS) and not failed_task:
            return
        if self.verbosity < VERBOSE and isinstance(event, self._VERBOSE):
            return
        line = self.describe(event)
        if line:
            self.console.print(line)

    def describe(self, event: Event) -> str | None:
        """The line printed for ``event`` (None: nothing to print)."""
        match event:
            case WorkflowStarted():
                tasks = f" · {event.total_tasks} tasks" if event.total_tasks else ""
                where = escape(event.project_path)
                return f"sago-tui {event.command} · {where} · {escape(event.model)}{tasks}"
            case PlanGenerated():
                return f"plan: {event.phases} phases, {event.tasks} tasks written to PLAN.md"
            case PlanApproved():
                return f"plan approved ({len(event.approved)} tasks)"
            case WarningIssued():
                return f"warning: {escape(event.message)}"
            case TaskStarted():
                return f"▶ {event.task_id} {escape(event.task_name)}"
            case CacheHit():
                return f"= {event.task_id} cached (unchanged)"
            case CacheMiss():
                return f"  {event.task_id} runs: {escape(event.reason)}"
            case LLMCalled():
                return (
                    f"  llm {event.purpose} {escape(event.model)} "
                    f"{tokens(event.prompt_tokens)}→{tokens(event.completion_tokens)} tok "
                    f"{money(event.cost_usd)} {event.duration_s:.1f}s"
                )
            case FileWritten():
                verb = "created" if event.created else "wrote"
                return f"  {verb} {escape(event.path)} ({event.size_bytes:,} bytes)"
            case FileRefused():
                return f"  refused {escape(event.path)}: {escape(event.reason)}"
            case VerifyRan():
                return self._verify_line(event)
            case FixAttempted():
                outcome = event.outcome.replace("_", " ")
                reason = escape(event.reason)
                return f"  fix #{event.attempt} ({event.category}): {outcome}: {reason}"
            case GitCommitted():
                if not event.success:
                    return f"  git commit failed: {escape(event.error)}"
                return f"  committed {event.sha[:10] or '(no changes)'}"
            case TaskFinished():
                return self._task_line(event)
            case TaskSkipped():
                return f"⊘ {event.task_id} {escape(event.reason)}"
            case BudgetStopped():
                return (
                    f"budget reached: spent {money(event.spent_usd)} of "
                    f"{money(event.max_cost_usd)}; the next call was estimated at "
                    f"{money(event.next_estimate_usd)}"
                )
            case ErrorOccurred():
                return f"error: {escape(event.message)}"
        return None

    def _verify_line(self, event: VerifyRan) -> str:
        if event.success:
            return f"  verify PASS {escape(event.command)} ({event.duration_s:.1f}s)"
        why = "timed out" if event.timed_out else f"exit {event.exit_code}"
        head = f"  verify FAIL {escape(event.command)} ({why}, {event.category or 'unknown'})"
        output = tail_lines((event.stdout + "\n" + event.stderr).strip(), FAIL_TAIL_LINES)
        if not output or self.verbosity == QUIET:
            return head
        body = "\n".join(f"    | {escape(line)}" for line in output.splitlines())
        return f"{head}\n{body}"

    def _task_line(self, event: TaskFinished) -> str | None:
        if event.status == "cached":
            return None  # the cache_hit line already said it
        stats = (
            f"{event.duration_s:.1f}s, {tokens(event.total_tokens)} tok, {money(event.cost_usd)}"
        )
        if event.success:
            return f"✓ {event.task_id} passed ({stats})"
        reason = escape(one_line(event.error, 160)) if event.error else event.status
        return f"✗ {event.task_id} {event.status}: {reason} ({stats})"


def summary_table(result: RunResult) -> Table:
    """Per-task status with estimate vs actual cost."""
    table = Table(title="Run summary", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("Task", "Name", "Status"):
        table.add_column(column, overflow="fold")
    for column in ("Tries", "Tokens", "Est.", "Cost", "Time"):
        table.add_column(column, justify="right")
    for outcome in result.outcomes.values():
        table.add_row(
            outcome.task_id,
            escape(one_line(outcome.name, 40)),
            outcome.status.replace("_", " "),
            str(outcome.attempts or "-"),
            tokens(outcome.tokens) if outcome.tokens else "-",
            money(outcome.estimated_cost_usd) if outcome.estimated_cost_usd is not None else "-",
            money(outcome.cost_usd) if outcome.tokens else "-",
            f"{outcome.duration_s:.1f}s" if outcome.duration_s else "-",
        )
    return table


def summary_line(result: RunResult) -> str:
    """``3 passed, 1 cached, 1 failed · 12,345 tokens · $0.0421 · 14.2s``."""
    parts = [
        f"{result.count(status)} {label}"
        for status, label in (
            ("passed", "passed"),
            ("cached", "cached"),
            ("failed", "failed"),
            ("skipped", "skipped"),
            ("not_run", "not run"),
        )
        if result.count(status)
    ]
    counts = ", ".join(parts) or "no tasks"
    return (
        f"{counts} · {tokens(result.total_tokens)} tokens · {money(result.cost_usd)} · "
        f"{result.duration_s:.1f}s"
    )


def print_summary(console: Console, result: RunResult) -> None:
    """The table (when tasks ran), the totals line, and the outcome."""
    if result.outcomes:
        console.print()
        console.print(summary_table(result))
    console.print(summary_line(result))
    if result.trace_path:
        console.print(f"trace: {escape(result.trace_path)}")
    if result.exit_code != 0 and result.reason:
        console.print(f"result: {escape(result.reason)} (exit {int(result.exit_code)})")
