"""Writing a task's files from an answer (DESIGN.md §5.3).

Each block's path goes through :func:`~sago_tui.core.paths.resolve_writable_path`;
a refused path is reported with a ``FileRefused`` event and skipped, an allowed
one is written atomically and reported with a ``FileWritten`` event carrying a
unified diff against what was there before.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.errors import ExitCode, SagoError
from sago_tui.core.events import Event, FileRefused, FileWritten
from sago_tui.core.fileblocks import FileBlock
from sago_tui.core.paths import PathRefused, normalize_relpath, resolve_writable_path
from sago_tui.core.text import preview

# difflib is roughly quadratic on pathological inputs; past this size a diff is not
# worth the wait (the file itself is on disk).
_DIFF_LIMIT_BYTES = 1_000_000


class FileWriteError(SagoError):
    """An allowed file could not be written (disk full, permissions)."""

    exit_code = ExitCode.TASK_FAILED

    def __init__(self, path: str, error: OSError) -> None:
        super().__init__(f"could not write {path}: {error.strerror or error}")
        self.path = path
        self.error = error


@dataclass
class WriteReport:
    """What :func:`write_task_files` did: paths written, and ``(path, reason)`` refused."""

    written: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _diff(path: str, old: bytes | None, new: str) -> str:
    """A unified diff of ``old`` → ``new`` (capped), or a note when no text diff is sensible."""
    old_bytes = old or b""
    if len(old_bytes) + len(new) > _DIFF_LIMIT_BYTES:
        return f"(diff omitted: {path} is larger than {_DIFF_LIMIT_BYTES // 1_000_000} MB)"
    if b"\x00" in old_bytes:
        return f"(binary file {path} replaced by text)"
    old_text = old_bytes.decode("utf-8", errors="replace")
    if old_text == new:
        return ""
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile="/dev/null" if old is None else f"a/{path}",
        tofile=f"b/{path}",
    )
    # A last line without a newline would run into the next hunk line.
    return preview("".join(line if line.endswith("\n") else line + "\n" for line in lines))


def write_task_files(
    root: Path,
    blocks: Sequence[FileBlock],
    declared: Collection[str],
    emit: Callable[[Event], object],
    *,
    task_id: str | None,
    agent: str = "ExecutorAgent",
) -> WriteReport:
    """Write the answer's ``blocks`` that the task may write; refuse and report the rest.

    For a path given more than once the last block wins. Raises
    :class:`FileWriteError` when an allowed file cannot be written.
    """
    latest: dict[str, FileBlock] = {}
    for block in blocks:
        latest[normalize_relpath(block.path)] = block  # keeps first-seen order
    report = WriteReport()
    for block in latest.values():
        try:
            target = resolve_writable_path(root, block.path, declared)
        except PathRefused as refused:
            report.refused.append((refused.path, refused.reason))
            emit(
                FileRefused(task_id=task_id, agent=agent, path=refused.path, reason=refused.reason)
            )
            continue
        path = normalize_relpath(block.path)
        old: bytes | None = None
        try:
            with contextlib.suppress(FileNotFoundError):
                old = target.read_bytes()
            atomic_write_text(target, block.content)
        except OSError as error:
            raise FileWriteError(path, error) from error
        report.written.append(path)
        emit(
            FileWritten(
                task_id=task_id,
                agent=agent,
                path=path,
                size_bytes=len(block.content.encode("utf-8")),
                content_preview=preview(block.content),
                diff=_diff(path, old, block.content),
                created=old is None,
            )
        )
    return report


def _allowed(root: Path, path: str) -> Path | None:
    """Where ``path`` lives if the writer could ever have written it, else None."""
    try:
        return resolve_writable_path(root, path, (path,))
    except PathRefused:
        return None
