"""Open a project file in the user's editor (``$VISUAL``, else ``$EDITOR``), then come back.

The app hands the terminal over with :meth:`App.suspend` and takes it back when the
editor exits. Only files inside the project are opened (never ``.git/``, never a path
that leaves the project through ``..`` or a symlink): the path comes from an event,
and events carry what the LLM wrote. The command runs without a shell.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.message import Message

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp


@dataclass
class EditorRequested(Message):
    """A view asked to open ``path`` (relative to the project) in the user's editor."""

    path: str


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` split like a shell would (empty when neither is set)."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        if value := env.get(name, "").strip():
            try:
                return shlex.split(value)
            except ValueError:
                return [value]
    return []


def project_file(root: Path, relative: str) -> Path | None:
    """``relative`` as an existing file inside ``root`` (not in .git); None otherwise."""
    base = root.resolve()
    try:
        path = (base / relative).resolve()
        path.relative_to(base)
    except (OSError, ValueError):
        return None
    if ".git" in path.relative_to(base).parts or not path.is_file():
        return None
    return path


def open_in_editor(app: SagoApp, relative: str) -> None:
    """Suspend the app, run the editor on the file, resume; problems go to the status line."""
    path = project_file(app.project.root, relative)
    if path is None:
        app.say(f"{relative} is not a file in the project (any more).", "warning")
        return
    command = editor_command()
    if not command:
        app.say("Set $EDITOR (or $VISUAL) to open files from the app.", "warning")
        return
    try:
        with app.suspend():
            result = subprocess.run([*command, str(path)], check=False)
    except SuspendNotSupported:
        app.say("This terminal cannot hand the screen to an editor.", "warning")
        return
    except OSError as exc:
        app.say(f"Cannot start {command[0]}: {exc.strerror or exc}", "error")
        return
    if result.returncode != 0:
        app.say(f"{command[0]} exited with status {result.returncode}.", "warning")
        return
    app.say(f"Back from {command[0]} ({relative}).", "success")
    if not app.engine.busy:
        app.reload_project()  # the spec or PLAN.md may have changed on disk
