"""``sago-tui init``: the spec templates, optionally drafted by the LLM."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from sago_tui.commands.common import relative, settings_for, stdout_console
from sago_tui.commands.run_cmd import cancel_on_signals
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.initializer import InitResult, init_project
from sago_tui.core.lock import project_lock
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.project import Project
from sago_tui.headless import HeadlessPrinter
from sago_tui.logs import configure_logging


def main(args: argparse.Namespace) -> int:
    """Create the project; with ``--prompt`` the LLM drafts PROJECT.md and REQUIREMENTS.md."""
    if args.path:
        root = Path(args.path)
        name = args.name or root.resolve().name
    elif args.name:
        root = Path.cwd() / args.name
        name = args.name
    else:
        root = Path.cwd()
        name = root.name
    console = stdout_console()
    with contextlib.ExitStack() as stack:
        existed = root.is_dir()
        if existed:  # an existing folder may be a project another command is writing
            stack.enter_context(project_lock(Project.at(root).planning_dir, "init"))
        result = init_project(root, name, overwrite=args.overwrite)
        if not existed:
            stack.enter_context(project_lock(Project.at(result.root).planning_dir, "init"))
        return _init_locked(args, name, result, console)


def _init_locked(args: argparse.Namespace, name: str, result: InitResult, console: Console) -> int:
    where = relative(result.root)
    console.print(f"Initialized {escape(name)} in {escape(where)}: {', '.join(result.written)}")
    if args.prompt:
        project = Project.at(result.root)
        settings = settings_for(project, args)
        configure_logging(settings.log_level)
        bus = EventBus()
        bus.subscribe(HeadlessPrinter(console))
        console.print("Drafting PROJECT.md and REQUIREMENTS.md from your prompt…")
        cancel = CancelToken()
        with cancel_on_signals(cancel):  # Ctrl-C and SIGTERM end in exit 130, as for `run`
            outcome = Orchestrator(project, settings, bus=bus, cancel=cancel).generate_spec(
                args.prompt
            )
        if outcome.exit_code != 0:
            console.print(
                f"The spec was not generated: {escape(outcome.reason)}\n"
                "The template files are in place; edit them by hand or fix the setting and "
                f"run `sago-tui init {escape(name)} --prompt … --overwrite` again."
            )
            return int(outcome.exit_code)
        console.print("Generated PROJECT.md and REQUIREMENTS.md.")
    console.print("\nNext steps:")
    if where != ".":
        console.print(f"  cd {escape(where)}")
    if not args.prompt:
        console.print("  edit PROJECT.md and REQUIREMENTS.md (or open the app: sago-tui)")
    console.print("  sago-tui plan        # generate PLAN.md")
    console.print("  sago-tui run --dry-run && sago-tui run")
    return 0
