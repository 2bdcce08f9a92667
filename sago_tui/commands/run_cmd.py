"""``sago-tui run``, ``execute`` and ``--headless``: the engine with plain line output."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from rich.console import Console

from sago_tui.commands.common import open_project, settings_for, stdout_console
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import ExitCode
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.core.text import one_line
from sago_tui.headless import NORMAL, QUIET, VERBOSE, HeadlessPrinter, print_summary
from sago_tui.logs import configure_logging

# Run-level failures (not a failed task, not Ctrl-C) that are also reported on stderr.
_STDERR_EXITS = frozenset(
    {ExitCode.BAD_INPUT, ExitCode.PROVIDER_ERROR, ExitCode.BUDGET_REACHED, ExitCode.NOT_APPROVED}
)


@contextmanager
def cancel_on_signals(cancel: CancelToken) -> Iterator[None]:
    """Ctrl-C (or SIGTERM) asks the run to stop cleanly; a second Ctrl-C forces it."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel("interrupted")
        sys.stderr.write("\nstopping: finishing the current step (Ctrl-C again to force)\n")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_headless(
    project: Project,
    settings: Settings,
    console: Console,
    *,
    command: str = "run",
    verbosity: int = NORMAL,
    force_plan: bool = False,
) -> int:
    """Run the orchestrator with the line printer; returns the exit code."""
    configure_logging(settings.log_level)
    bus = EventBus()
    bus.subscribe(HeadlessPrinter(console, verbosity))
    cancel = CancelToken()
    orchestrator = Orchestrator(project, settings, bus=bus, cancel=cancel)
    with cancel_on_signals(cancel):
        result = orchestrator.run(
            plan_if_missing=command != "execute", force_plan=force_plan, command=command
        )
    print_summary(console, result)
    if result.exit_code in _STDERR_EXITS and result.reason:
        # Like every other command's fatal error: one line on stderr, so CI logs and
        # `2>err` see why the run could not go on (bad PLAN.md, provider, budget).
        print(f"sago-tui: error: {one_line(result.reason, 500)}", file=sys.stderr)
    if settings.run.trace:
        from sago_tui.commands.trace_cmd import export_latest_html

        export_latest_html(project, console, result.trace_path)
    return int(result.exit_code)


def main(args: argparse.Namespace) -> int:
    """Run (or execute) the project's plan and print a live log and a summary."""
    project = open_project(args.path)
    if getattr(args, "dry_run", False):
        from sago_tui.commands.dry_run_cmd import print_dry_run

        return print_dry_run(project, args)
    settings = settings_for(project, args)
    verbosity = QUIET if args.quiet else VERBOSE if args.verbose else NORMAL
    command = "run" if args.command == "headless" else args.command
    return run_headless(
        project,
        settings,
        stdout_console(),
        command=command,
        verbosity=verbosity,
        force_plan=bool(getattr(args, "force_plan", False)),
    )
