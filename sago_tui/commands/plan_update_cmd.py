"""``sago-tui plan --update``: show the plan diff for a changed spec, then replace PLAN.md."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from sago_tui.commands.common import confirm, settings_for
from sago_tui.core.bus import EventBus
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.plan_diff import render_diff
from sago_tui.core.plan_update import PlanUpdate, current_drift
from sago_tui.core.project import Project
from sago_tui.core.spec_snapshot import load_snapshot
from sago_tui.headless import HeadlessPrinter, summary_line
from sago_tui.logs import configure_logging

_STYLES = {"+": "green", "-": "red", "~": "yellow"}


def print_update(console: Console, update: PlanUpdate) -> None:
    """The spec drift and the plan diff, one plain line each (LLM text is never markup)."""
    console.print(Text(f"Spec changes: {update.drift.summary()}"))
    for line in render_diff(update.diff):
        stripped = line.lstrip()
        style = _STYLES.get(stripped[:1], "") if line.startswith("  ") else "bold"
        console.print(Text(line, style=style), soft_wrap=True)
    for warning in update.warnings:
        console.print(Text(f"warning: {warning}"), soft_wrap=True)


def main(project: Project, args: argparse.Namespace, console: Console) -> int:
    """Update PLAN.md for the spec's drift; exit 0 also when there is nothing to update."""
    drift = current_drift(project)
    if project.plan_path.is_file() and not drift:
        console.print("The spec has not changed since PLAN.md was made; nothing to update.")
        return 0
    if project.plan_path.is_file() and load_snapshot(project) is None:
        console.print(
            "PLAN.md has no spec snapshot (it was made before sago-tui kept one): the whole "
            "spec counts as new; tasks that still fit it can be kept."
        )
    settings = settings_for(project, args)
    configure_logging(settings.log_level)
    bus = EventBus()
    bus.subscribe(HeadlessPrinter(console))

    def review(update: PlanUpdate) -> bool:
        print_update(console, update)
        return confirm(console, "Replace PLAN.md with this update?", default=False, yes=args.yes)

    orchestrator = Orchestrator(project, settings, bus=bus)
    result, update = orchestrator.update(review, feedback=args.feedback)
    if update is not None and update.applied:
        console.print(
            f"PLAN.md updated ({update.diff.summary()}). Next: `sago-tui run` "
            "(kept tasks stay cached; only new and changed tasks and their dependants run)."
        )
        if args.approve:
            from sago_tui.commands.plan_cmd import approve

            approve(project, console)
    elif update is not None and update.saved_to is not None:
        rel = update.saved_to.relative_to(project.root)
        console.print(Text(f"PLAN.md kept as it was; the proposed update is saved in {rel}"))
    console.print(summary_line(result))
    if result.exit_code != 0:
        console.print(Text(f"result: {result.reason} (exit {int(result.exit_code)})"))
    return int(result.exit_code)
