"""``sago-tui demo [DIR]``: build the bundled sample project offline through the real engine."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from sago_tui.commands.common import relative, stdout_console
from sago_tui.config import load_settings
from sago_tui.core.demo import prepare_demo
from sago_tui.core.errors import ProjectError
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings


def check_verify_tools() -> None:
    """The demo's verify commands run ``python -m pytest``: say so clearly if they can't."""
    python = shutil.which("python") or shutil.which("python3")
    if python is None:
        raise ProjectError("the demo's verify commands need `python` on PATH")
    probe = subprocess.run(
        [python, "-c", "import pytest"], capture_output=True, check=False, timeout=60
    )
    if probe.returncode != 0:
        raise ProjectError(
            f"the demo's verify commands run `python -m pytest`, but pytest is not installed "
            f"for {python}; install it with `pip install pytest` (or `pip install -e '.[dev]'`)"
        )


DEMO_SOURCE = "sago-tui demo"
"""Where a setting the demo needs (and its sago.toml does not give) is said to come from."""


def demo_flags(project: Project, cassette: Path) -> dict[str, object]:
    """What the demo needs that the project's own settings do not already give.

    The demo's sago.toml replays the recording with auto-retry on, as the recorded model;
    only what a user removed from it is put back here, so the settings screen says
    where each value really comes from (no "flag --auto-retry" nobody typed).
    """
    from sago_tui.core.cassette import load_cassette

    current = load_settings(project.root)
    model = load_cassette(cassette)[0]
    flags: dict[str, object] = {}
    if current.llm.replay is None or current.llm.replay.resolve() != cassette.resolve():
        flags["llm.replay"] = str(cassette)
        if current.llm.model != model:  # the replay is priced as the recorded model
            flags["llm.model"] = model
    if not current.run.auto_retry:  # the recording holds a fix: the run must use it
        flags["run.auto_retry"] = True
    return flags


def demo_settings(project: Project, cassette: Path) -> Settings:
    """Replay the recording, auto-retry on; values the demo adds say they come from it."""
    flags = demo_flags(project, cassette)
    settings = load_settings(project.root, flags=flags)
    for key in flags:
        settings.sources[key] = DEMO_SOURCE
    return settings


def main(args: argparse.Namespace) -> int:
    """Copy the sample project to DIR and build it (in the app, or headless)."""
    target = Path(args.dir)
    cassette = prepare_demo(target)
    check_verify_tools()
    project = Project.at(target)
    settings = demo_settings(project, cassette)
    flags = demo_flags(project, cassette)  # re-applied when the app reloads its settings
    console = stdout_console()
    console.print(
        f"Demo project in {relative(project.root)}: LLM answers are replayed from "
        f"{relative(cassette)} (no key, no network); files, verify commands and the "
        "auto-fix are real."
    )
    if args.headless or not (sys.stdout.isatty() and sys.stdin.isatty()):
        from sago_tui.commands.run_cmd import run_headless

        return run_headless(project, settings, console, command="run")
    from sago_tui.commands.app_cmd import run_app

    return run_app(project, settings, flags)
