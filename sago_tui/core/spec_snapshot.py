"""The spec PLAN.md was made from, kept in ``.planning/spec-snapshot/`` (DESIGN.md §11).

Written whenever the engine writes PLAN.md from the spec (``plan``, ``plan --force``,
``plan --update``, the app's regenerate). Drift is measured against it.
A spec file that did not exist is recorded by its absence.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.errors import ProjectError
from sago_tui.core.project import SPEC_FILES, Project

SNAPSHOT_DIR = "spec-snapshot"


def snapshot_dir(project: Project) -> Path:
    """Where the snapshot lives."""
    return project.planning_dir / SNAPSHOT_DIR


def read_text(path: Path) -> str:
    """A spec file's text; :class:`ProjectError` (exit 2) naming it when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_spec(project: Project) -> dict[str, str]:
    """The spec files that exist now, by name."""
    spec: dict[str, str] = {}
    for name in SPEC_FILES:
        path = project.spec_path(name)
        if path.is_file():
            spec[name] = read_text(path)
    return spec


def save_snapshot(project: Project, spec: dict[str, str] | None = None) -> None:
    """Record ``spec`` (default: the spec as it is now) as the plan's baseline."""
    spec = read_spec(project) if spec is None else spec
    folder = snapshot_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    for name in SPEC_FILES:
        if name in spec:
            atomic_write_text(folder / name, spec[name])
        else:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()


def load_snapshot(project: Project) -> dict[str, str] | None:
    """The recorded spec by name, or None when PLAN.md has no snapshot yet."""
    folder = snapshot_dir(project)
    if not folder.is_dir():
        return None
    return {name: read_text(folder / name) for name in SPEC_FILES if (folder / name).is_file()}
