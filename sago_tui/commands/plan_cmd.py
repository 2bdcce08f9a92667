"""``sago-tui plan``: generate PLAN.md (or approve the current one)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sago_tui.commands.common import confirm, open_project, settings_for, stdout_console
from sago_tui.commands.run_cmd import cancel_on_signals
from sago_tui.core.approval import save_approval
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import PlanError, more_problems
from sago_tui.core.lock import project_lock
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.plan import Plan
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.spec_checks import plan_trace_issues
from sago_tui.headless import HeadlessPrinter, summary_line
from sago_tui.logs import configure_logging


def plan_table(plan: Plan) -> Table:
    """Phases and tasks of a plan."""
    table = Table(title="PLAN.md", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("Phase", "Task", "Name", "Files", "Verify"):
        table.add_column(column, overflow="fold")
    for phase in plan.phases:
        for index, task in enumerate(phase.tasks):
            table.add_row(
                escape(phase.name) if index == 0 else "",
                task.id,
                escape(task.name),
                escape(", ".join(task.files)),
                escape(task.verify),
            )
    return table


def approve(project: Project, console: Console) -> int:
    """Record approval of PLAN.md as it is now (it must be valid)."""
    if not project.plan_path.exists():
        raise PlanError(f"PLAN.md not found in {project.root}; run `sago-tui plan` first")
    plan, warnings = load_plan(project.plan_path)
    warnings += plan_trace_issues(project, plan)
    text = project.plan_path.read_text(encoding="utf-8")
    for warning in warnings:
        console.print(f"warning: {escape(str(warning))}")
    save_approval(project, text, approved_by="cli")
    console.print(
        f"approved PLAN.md ({len(plan.tasks)} tasks); recorded in .planning/approval.json"
    )
    return 0


def main(args: argparse.Namespace) -> int:
    """Generate PLAN.md from the spec; ``--approve`` approves it."""
    project = open_project(args.path)
    with project_lock(project.planning_dir, "plan"):
        return _plan_locked(project, args)


def _plan_locked(project: Project, args: argparse.Namespace) -> int:
    console = stdout_console()
    if getattr(args, "update", False):
        from sago_tui.commands import plan_update_cmd

        return plan_update_cmd.main(project, args, console)
    regenerate = args.force or bool(args.feedback)
    if args.approve and not regenerate and project.plan_path.exists():
        return approve(project, console)
    if project.plan_path.exists() and not regenerate:
        question = "PLAN.md already exists. Regenerate it?"
        if not confirm(console, question, default=False, yes=args.yes):
            console.print("kept the existing PLAN.md (use --force to regenerate)")
            return 0
    settings = settings_for(project, args)
    configure_logging(settings.log_level)
    bus = EventBus()
    bus.subscribe(HeadlessPrinter(console))
    cancel = CancelToken()
    with cancel_on_signals(cancel):  # Ctrl-C and SIGTERM end in exit 130, as for `run`
        result = Orchestrator(project, settings, bus=bus, cancel=cancel).plan(
            feedback=args.feedback
        )
    if result.plan is not None and result.exit_code == 0:
        console.print(plan_table(result.plan))
        if args.approve:
            approve(project, console)
        else:
            console.print(
                "Next: review PLAN.md (or approve it in the app: `sago-tui`), then `sago-tui run`."
            )
    console.print(summary_line(result))
    if result.exit_code != 0:
        console.print(f"result: {escape(result.reason)} (exit {int(result.exit_code)})")
        for line in more_problems(result.problems):  # every error of a bad PLAN.md
            console.print(escape(line))
    return int(result.exit_code)
