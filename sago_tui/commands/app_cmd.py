"""``sago-tui [PATH]``: the full-screen app (and the demo's app mode).

Run flags given on the command line (``sago-tui --auto-retry --parallel 4 .``) apply to
every job started in the app, and keep applying after the settings screen reloads
sago.toml.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from sago_tui.commands.common import flags_from_args, settings_for
from sago_tui.core.errors import ProjectError, UsageError
from sago_tui.core.lock import ProjectLocked, project_lock
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings


def flags_from_settings(settings: Settings) -> dict[str, object]:
    """The settings that came from command-line flags, as dotted keys (for reloads)."""
    flags: dict[str, object] = {}
    for key, source in settings.sources.items():
        if not source.startswith("flag "):
            continue
        section, _, name = key.partition(".")
        holder = getattr(settings, section, None) if name else settings
        value = getattr(holder, name or key, None)
        flags[key] = str(value) if isinstance(value, Path) else value
    return flags


def lock_for_app(stack: contextlib.ExitStack, project: Project) -> str:
    """Hold the project's lock on ``stack``; returns why the app must stay read-only ("": it
    may write), i.e. another process holds the lock."""
    # A folder that is not a project yet gets no .planning/ just for being looked at.
    if not (project.is_initialized() or project.planning_dir.is_dir()):
        return ""
    try:
        stack.enter_context(project_lock(project.planning_dir, "app"))
    except ProjectLocked as exc:
        return exc.message
    except ProjectError:
        pass  # an unwritable project: a job that tries to write says so
    return ""


def launch(
    project: Project, settings: Settings, *, flags: dict[str, object], start_run: bool
) -> int:
    """Open the app on ``project``; returns the process exit code."""
    from sago_tui.tui.app import SagoApp
    from sago_tui.tui.app_config import AppConfig

    with contextlib.ExitStack() as stack:
        read_only = lock_for_app(stack, project)
        start_run = start_run and not read_only
        config = AppConfig(
            flags=dict(flags), start_run=start_run, preload_llm=True, read_only=read_only,
            lock_project=lambda: lock_for_app(stack, project),
        )  # fmt: skip
        code = SagoApp(project, settings, config).run()
    return int(code or 0)


def run_app(project: Project, settings: Settings, flags: dict[str, object] | None = None) -> int:
    """The demo in the app: open ``project`` and start the run (plan, then approval).

    ``flags`` are the settings the demo adds (default: those that came from flags).
    """
    flags = flags_from_settings(settings) if flags is None else flags
    return launch(project, settings, flags=flags, start_run=True)


def main(args: argparse.Namespace) -> int:
    """Open the app on PATH (an empty folder is offered initialisation)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the app needs a terminal; use `sago-tui --headless` (or `sago-tui run`) in "
            "scripts and CI"
        )
    project = Project.at(args.path)
    settings = settings_for(project, args)
    return launch(project, settings, flags=flags_from_args(args), start_run=False)
