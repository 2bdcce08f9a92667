"""One writer per project: an exclusive ``fcntl`` lock on ``.planning/lock``.

Two runs on one project would both execute every task (twice the LLM cost) and
interleave their trace lines. Every command that writes takes this lock first; a
second writer stops at once with a one-line :class:`ProjectLocked` (exit 2).

The kernel drops the lock when its holder dies, so a lock left by ``kill -9`` (a
stale lock: the file still names a dead pid) is simply taken over. The file holds
the holder's pid, command and start time, only so the refusal can say who it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sago_tui.core.errors import ProjectError, SagoError

LOCK_NAME = "lock"


class ProjectLocked(SagoError):
    """Another sago-tui process holds the project's lock (exit 2)."""

    def __init__(self, message: str, holder: LockHolder | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a project's lock."""

    pid: int
    command: str
    started: str

    def describe(self) -> str:
        """``another sago-tui run (pid 12, started 2026-12-06 10:00:01) is using this project``."""
        return (
            f"another sago-tui {self.command} (pid {self.pid}, started {self.started}) "
            "is using this project"
        )


def read_holder(path: Path) -> LockHolder | None:
    """The holder recorded in a lock file; None when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(int(data["pid"]), str(data["command"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class ProjectLock:
    """The held lock of one project; release it with :meth:`release` (or ``with``)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until :meth:`release`."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up; the file stays (removing it would race a new holder)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> ProjectLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(planning_dir: Path, command: str) -> ProjectLock:
    """Take the project's lock for ``command``; :class:`ProjectLocked` when another holds it."""
    path = planning_dir / LOCK_NAME
    try:
        planning_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise ProjectError(
            f"{exc.filename or path}: cannot write the project lock: {exc.strerror or exc}"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        holder = _wait_for_holder(path)
        message = holder.describe() if holder else "another sago-tui process is using this project"
        raise ProjectLocked(message, holder) from None
    record = {
        "pid": os.getpid(),
        "command": command,
        "started": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
    }
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode("utf-8"), 0)
    except OSError:
        pass  # the lock itself holds; only the holder's description is missing (disk full)
    return ProjectLock(path, fd)


def _wait_for_holder(path: Path, attempts: int = 10) -> LockHolder | None:
    """The holder's record; it may be a moment behind its ``flock`` (bounded wait)."""
    for _ in range(attempts):
        holder = read_holder(path)
        if holder is not None:
            return holder
        time.sleep(0.02)
    return None


@contextlib.contextmanager
def project_lock(planning_dir: Path, command: str) -> Iterator[ProjectLock]:
    """``with project_lock(project.planning_dir, "run"):`` holds the lock for the block."""
    lock = acquire(planning_dir, command)
    try:
        yield lock
    finally:
        lock.release()
