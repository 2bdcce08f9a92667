"""``sago-tui status``: progress per phase (and per task with ``-d``)."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markup import escape

from sago_tui.commands.common import open_project, stdout_console
from sago_tui.core.status import PENDING, project_status
from sago_tui.core.text import one_line
from sago_tui.core.traceability import RequirementStatus

ICONS = {"passed": "[green]✓[/]", "failed": "[red]✗[/]", "skipped": "[yellow]⊘[/]", PENDING: "·"}


def print_requirements(console: Console, rows: list[RequirementStatus]) -> None:
    """Per requirement: done or not, and its tasks with their status."""
    done = sum(1 for row in rows if row.done)
    console.print(f"\n  Requirements  {done}/{len(rows)} done")
    for row in rows:
        mark = ICONS["passed"] if row.done else ICONS[PENDING]
        tasks = ", ".join(f"{task_id} {status}" for task_id, status in row.tasks) or "no task"
        text = one_line(row.text, 60)
        console.print(f"    {mark} {row.id}: {escape(text)}  [dim]({escape(tasks)})[/]")


def main(args: argparse.Namespace) -> int:
    """Print the project's status from PLAN.md and STATE.md."""
    project = open_project(args.path)
    status = project_status(project)
    console = stdout_console()
    console.print(f"[bold]{escape(status.name)}[/]  {escape(status.path)}")
    if status.active_phase:
        console.print(f"Active phase: {escape(status.active_phase)}")
    if status.current_task:
        console.print(f"Current task: {escape(status.current_task)}")
    if status.last_run:
        console.print(f"Last run:     {escape(status.last_run)}")
    if status.sandbox:
        # Whether LLM-written code ran confined (DESIGN.md §14), as the last run recorded it.
        where = f" (run {escape(status.sandbox_run)})"
        console.print(f"Verify sandbox: {escape(status.sandbox)}{where}")
    if not status.has_plan:
        console.print("\nNo PLAN.md yet. Next: edit the spec, then `sago-tui plan`.")
        return 0
    if status.plan_error:
        console.print(f"\n[red]PLAN.md cannot be read:[/] {escape(status.plan_error)}")
        # Exit 2 is bad input: say why on stderr too, in one line, like every command.
        print(f"sago-tui: error: {one_line(status.plan_error, 500)}", file=sys.stderr)
        return 2
    if status.drift:
        console.print(f"\n[yellow]{escape(status.drift)}[/]")
    passed, failed = status.count("passed"), status.count("failed")
    skipped, pending = status.count("skipped"), status.count(PENDING)
    console.print(
        f"\nProgress: {passed}/{status.total} passed, {failed} failed, "
        f"{skipped} skipped, {pending} pending"
    )
    for phase in status.phases:
        done = phase.count("passed")
        mark = " [red](failures)[/]" if phase.count("failed") else ""
        console.print(f"\n  {escape(phase.name)}  {done}/{len(phase.tasks)}{mark}")
        if not args.detailed:
            continue
        for task in phase.tasks:
            when = f"  ({escape(task.timestamp)})" if task.timestamp else ""
            console.print(f"    {ICONS[task.status]} {task.task_id}: {escape(task.name)}{when}")
            if task.status in ("failed", "skipped") and task.error:
                console.print(f"        {escape(task.error)}")
            for entry in task.refused:
                console.print(f"        refused: {escape(entry)}")
    if args.detailed and status.requirements:
        print_requirements(console, status.requirements)
    elif status.requirements:
        done = sum(1 for row in status.requirements if row.done)
        console.print(f"\n  Requirements  {done}/{len(status.requirements)} done (-d lists them)")
    if failed:
        console.print(
            "\nNext: fix the spec or the code, then `sago-tui run` (passed tasks are cached)."
        )
    elif pending:
        console.print("\nNext: `sago-tui run`.")
    return 0
