"""Helpers shared by the commands: settings from flags, consoles, questions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from sago_tui.config import load_settings
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings

# argparse attribute -> dotted settings key (None when the flag was not given).
_VALUE_FLAGS = {
    "model": "llm.model",
    "api_base": "llm.api_base",
    "replay": "llm.replay",
    "record": "llm.record",
    "parallel": "run.parallel",
    "max_retries": "run.max_retries",
    "max_cost": "run.max_cost",
    "sandbox": "run.sandbox",
}
_TRUE_FLAGS = {
    "auto_retry": "run.auto_retry",
    "git_commit": "run.git_commit",
    "compress": "run.compress",
    "continue_on_failure": "run.continue_on_failure",
    "require_approval": "run.require_approval",
    "yes": "run.yes",
    "trace": "run.trace",
}
_FALSE_FLAGS = {"no_cache": "run.use_cache", "no_verify": "run.verify"}


def flags_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The settings given on the command line, as dotted keys."""
    flags: dict[str, object] = {}
    for attr, key in _VALUE_FLAGS.items():
        value = getattr(args, attr, None)
        if value is not None:
            flags[key] = value
    for attr, key in _TRUE_FLAGS.items():
        if getattr(args, attr, False):
            flags[key] = True
    for attr, key in _FALSE_FLAGS.items():
        if getattr(args, attr, False):
            flags[key] = False
    return flags


def open_project(path: str | os.PathLike[str], *, initialized: bool = True) -> Project:
    """The project at ``path``; ``ProjectError`` (exit 2) when unusable."""
    project = Project.at(path)
    if initialized:
        project.require_initialized()
    return project


def settings_for(project: Project | None, args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings for a command, the flags of ``args`` (plus ``extra`` keys) on top."""
    flags = flags_from_args(args)
    flags.update(extra)
    settings = load_settings(project.root if project else None, flags=flags)
    warn_once(settings.warnings)
    return settings


_WARNED: set[str] = set()


def warn_once(warnings: tuple[str, ...]) -> None:
    """Print configuration warnings (unknown keys, …) on stderr, each once per process."""
    for warning in warnings:
        if warning not in _WARNED:
            _WARNED.add(warning)
            print(f"sago-tui: warning: {warning}", file=sys.stderr)


class PipeTolerantConsole(Console):
    """A console that goes quiet when its reader leaves (``sago-tui run | head``).

    Rich's default raises ``SystemExit`` from whichever thread printed; a run
    must instead go on to the end and record its results.
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # stdout has no file descriptor (tests); quiet is enough


def stdout_console() -> Console:
    """A console for command output: colour only on a terminal, never wrapped oddly."""
    is_tty = sys.stdout.isatty()
    return PipeTolerantConsole(
        file=sys.stdout,
        highlight=False,
        soft_wrap=not is_tty,
        width=None if is_tty else 120,
        no_color=not is_tty or "NO_COLOR" in os.environ,
    )


def stdin_is_interactive() -> bool:
    """True when a human can answer a question."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(console: Console, question: str, *, default: bool, yes: bool = False) -> bool:
    """Ask a yes/no question; never blocks when stdin is not a terminal."""
    if yes:
        console.print(f"{question} yes (--yes)")
        return True
    if not stdin_is_interactive():
        answer = "yes" if default else "no"
        console.print(f"{question} {answer} (stdin is not a terminal; using the default)")
        return default
    hint = "[Y/n]" if default else "[y/N]"
    try:
        reply = input(f"{question} {hint} ").strip().lower()
    except EOFError:
        return default
    return default if not reply else reply in ("y", "yes")


def relative(path: Path | str) -> str:
    """``path`` relative to the current directory when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
