"""Where a project's files live (DESIGN.md §3)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sago_tui.core.errors import ProjectError

SPEC_FILES: tuple[str, ...] = ("PROJECT.md", "REQUIREMENTS.md", "IMPORTANT.md")
PLAN_FILE = "PLAN.md"
STATE_FILE = "STATE.md"
CONFIG_FILE = "sago.toml"
ENV_FILE = ".env"
PLANNING_DIR = ".planning"

# Paths the LLM may never write, whatever a task declares (DESIGN.md §5).
PROTECTED_NAMES: frozenset[str] = frozenset(
    {*SPEC_FILES, PLAN_FILE, STATE_FILE, CONFIG_FILE, ENV_FILE}
)
PROTECTED_DIRS: frozenset[str] = frozenset({".git", PLANNING_DIR})


@dataclass(frozen=True)
class Project:
    """A project directory and the paths of its sago files."""

    root: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str], *, must_exist: bool = True) -> Project:
        """The project at ``path`` (resolved); ``ProjectError`` if it is unusable."""
        root = Path(path).expanduser()
        if must_exist:
            if not root.exists():
                raise ProjectError(f"{root}: no such directory")
            if not root.is_dir():
                raise ProjectError(f"{root}: not a directory")
        return cls(root.resolve())

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def plan_path(self) -> Path:
        return self.root / PLAN_FILE

    @property
    def state_path(self) -> Path:
        return self.root / STATE_FILE

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def planning_dir(self) -> Path:
        return self.root / PLANNING_DIR

    @property
    def traces_dir(self) -> Path:
        return self.planning_dir / "traces"

    @property
    def latest_trace_path(self) -> Path:
        return self.planning_dir / "trace.jsonl"

    @property
    def cache_dir(self) -> Path:
        return self.planning_dir / "cache"

    @property
    def raw_dir(self) -> Path:
        return self.planning_dir / "raw"

    @property
    def cassettes_dir(self) -> Path:
        return self.planning_dir / "cassettes"

    @property
    def approval_path(self) -> Path:
        return self.planning_dir / "approval.json"

    def spec_path(self, name: str) -> Path:
        """Path of one of :data:`SPEC_FILES`."""
        return self.root / name

    def is_initialized(self) -> bool:
        """True when the directory holds a spec (PROJECT.md or REQUIREMENTS.md)."""
        return any((self.root / name).is_file() for name in SPEC_FILES[:2])

    def require_initialized(self) -> None:
        """Raise ``ProjectError`` with a hint when this is not a sago-tui project."""
        if not self.is_initialized():
            raise ProjectError(
                f"{self.root}: not a sago-tui project (no PROJECT.md or REQUIREMENTS.md); "
                "run `sago-tui init` first"
            )

    def require_writable(self) -> None:
        """Raise ``ProjectError`` when the project directory cannot be written."""
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise ProjectError(f"{self.root}: directory is not writable")

    def ensure_planning_dirs(self) -> None:
        """Create ``.planning/`` and its sub-directories."""
        for directory in (self.planning_dir, self.traces_dir, self.cache_dir):
            directory.mkdir(parents=True, exist_ok=True)
