"""The end-of-run summary printed to the console: a table per task, totals, outcome.

Cells are plain strings, never markup, so a task named ``[bold]`` prints as written
(:class:`~sago_tui.reports.grid.GridTable` lays them out without rich's per-cell cost).
Shared by the headless run, ``plan`` and the dry run.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from sago_tui.core.outcome import RunResult
from sago_tui.reports.grid import Column, GridTable
from sago_tui.reports.text import flat, fold

QUIET, NORMAL, VERBOSE = 0, 1, 2
"""Verbosity of the headless log: ``--quiet``, default, ``--verbose``."""


_LABELS = {"passed": "passed", "cached": "cached", "failed": "failed", "skipped": "skipped",
           "not_run": "not run"}  # fmt: skip


def tokens(n: int) -> str:
    """``12,345``."""
    return f"{n:,}"


def money(value: float | None) -> str:
    """``$0.0123``, or ``?`` when the price is unknown."""
    return "?" if value is None else f"${value:.4f}"


def summary_table(result: RunResult) -> GridTable:
    """Per-task status with estimate vs actual cost."""
    columns = [Column(name, overflow="fold") for name in ("Task", "Name", "Status")]
    columns += [
        Column(name, justify="right", no_wrap=True)
        for name in ("Tries", "Tokens", "Est.", "Cost", "Time")
    ]
    table = GridTable(columns, title="Run summary")
    for outcome in result.outcomes.values():
        name = flat(outcome.name)
        table.add_row(
            outcome.task_id,
            name if len(name) <= 40 else name[:39] + "…",
            outcome.status.replace("_", " "),
            str(outcome.attempts or "-"),
            tokens(outcome.tokens) if outcome.tokens else "-",
            money(outcome.estimated_cost_usd) if outcome.estimated_cost_usd is not None else "-",
            money(outcome.cost_usd) if outcome.tokens else "-",
            f"{outcome.duration_s:.1f}s" if outcome.duration_s else "-",
        )
    return table


def summary_line(result: RunResult, *, count_unreached: bool = False) -> str:
    """``3 passed, 1 cached, 1 failed · 12,345 tokens (4,096 cached) · $0.0421 · 14.2s``.

    With ``count_unreached``, plan tasks the run never got to (it stopped at approval
    or on a bad input first) count as not run, as they do in the reports.
    """
    counts = {status: result.count(status) for status in _LABELS}
    if count_unreached and result.plan is not None:
        counts["not_run"] += sum(1 for t in result.plan.tasks if t.id not in result.outcomes)
    parts = [f"{counts[status]} {label}" for status, label in _LABELS.items() if counts[status]]
    counts_text = ", ".join(parts) or "no tasks"
    cost = money(result.cost_usd)
    if result.unpriced_calls:  # never "$0.0000" for a model the price table lacks
        cost = "price unknown" if not result.cost_usd else f"{cost} + price unknown"
    cached = f" ({tokens(result.cached_tokens)} cached)" if result.cached_tokens else ""
    return (
        f"{counts_text} · {tokens(result.total_tokens)} tokens{cached} · "
        f"{cost} · {result.duration_s:.1f}s"
    )


def requirement_lines(result: RunResult) -> list[str]:
    """``requirements: 2/3 done`` and the boxes this run ticked or unticked."""
    if not result.requirements:
        return []
    done = sum(1 for row in result.requirements if row.done)
    lines = [f"requirements: {done}/{len(result.requirements)} done"]
    if result.ticked:
        lines.append(f"REQUIREMENTS.md: ticked {', '.join(result.ticked)}")
    if result.unticked:
        lines.append(f"REQUIREMENTS.md: unticked {', '.join(result.unticked)}")
    return lines


def print_summary(console: Console, result: RunResult, verbosity: int = NORMAL) -> None:
    """The table (when tasks ran), the totals line, and the outcome."""
    width = max(console.width, 60)
    if result.outcomes:
        console.print()
        console.print(summary_table(result))
    line = summary_line(result, count_unreached=True)
    console.print(Text(line, style="bold"), soft_wrap=True)
    for line in requirement_lines(result):
        console.print(Text(line), soft_wrap=True)
    if result.trace_path and verbosity != QUIET:
        for line in fold(f"trace: {result.trace_path}", width, "", "  "):
            console.print(Text(line), soft_wrap=True)
    if result.exit_code != 0 and result.reason:
        shown = next((o.task_id for o in result.outcomes.values() if o.error == result.reason), "")
        # A reason already on a task's ✗ line is not printed a second time.
        why = f"stopped by the error of task {shown} above" if shown else flat(result.reason)
        text = f"result: {why} (exit {int(result.exit_code)})"
        for line in fold(text, width, "", "  "):
            console.print(Text(line, style="bold red"), soft_wrap=True)
