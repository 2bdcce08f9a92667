"""Applying a task's answer: whole files and SEARCH/REPLACE edits (DESIGN.md §5.3, §12).

Edits are applied in memory first; only edits that apply become writes, which go
through :func:`~sago_tui.core.files.write_task_files` like whole files (confinement,
atomic rename, ``file_write`` events with diffs). An edit that fails leaves its file
untouched and is returned, so the caller can ask the model to correct it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sago_tui.core.edits import EditBlock, EditFailed, apply_edit, split_answer
from sago_tui.core.events import Event, FileRefused
from sago_tui.core.fileblocks import FileBlock, parse_file_blocks, render_file_block
from sago_tui.core.files import WriteReport, write_task_files
from sago_tui.core.paths import PathRefused, normalize_relpath, resolve_writable_path


@dataclass
class AppliedAnswer:
    """What an answer did: the write report, the edits that failed, how many edits applied."""

    report: WriteReport
    failed: list[EditFailed] = field(default_factory=list)
    edits: int = 0
    blocks: int = 0  # file blocks and edit sections in the answer

    @property
    def failed_paths(self) -> list[str]:
        """Each path with a failed edit, once, in answer order."""
        return list(dict.fromkeys(failure.path for failure in self.failed))


def apply_answer(
    root: Path,
    answer: str,
    declared: Collection[str],
    emit: Callable[[Event], object],
    *,
    task_id: str | None,
    agent: str = "ExecutorAgent",
) -> AppliedAnswer:
    """Write the answer's files and the edits that apply.

    Raises ``FileBlockError`` for an unusable file block, ``FileWriteError`` when a write fails.
    """
    rest, edits = split_answer(answer)
    blocks = parse_file_blocks(rest)
    whole = {normalize_relpath(block.path): block for block in blocks}
    refused: list[tuple[str, str]] = []
    failed: list[EditFailed] = []
    edited: dict[str, str] = {}
    for edit in edits:
        path = normalize_relpath(edit.path)
        try:
            target = resolve_writable_path(root, edit.path, declared)
        except PathRefused as exc:
            refused.append((exc.path, exc.reason))
            emit(FileRefused(task_id=task_id, agent=agent, path=exc.path, reason=exc.reason))
            continue
        if any(failure.path == path for failure in failed):
            continue  # a later edit of a file whose earlier edit failed cannot apply either
        current = edited.get(path)
        if current is None:
            current = whole[path].content if path in whole else _read(target)
        try:
            if current is None:
                raise EditFailed(
                    path, 0, "the file does not exist yet; send it whole as === FILE: ==="
                )
            edited[path] = apply_edit(current, _renamed(edit, path))
        except EditFailed as exc:
            failed.append(exc)
            edited.pop(path, None)
    for failure in failed:
        edited.pop(failure.path, None)
    writes = [block for path, block in whole.items() if path not in edited]
    writes += [FileBlock(path, content, 0) for path, content in edited.items()]
    report = write_task_files(root, writes, declared, emit, task_id=task_id, agent=agent)
    report.refused[:0] = refused
    return AppliedAnswer(report, failed, edits=len(edited), blocks=len(blocks) + len(edits))


def _renamed(edit: EditBlock, path: str) -> EditBlock:
    return EditBlock(path, edit.replacements, edit.line, edit.error)


def _read(target: Path) -> str | None:
    try:
        data = target.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return data.decode("utf-8", errors="replace")


def describe_failures(failed: list[EditFailed], current: Mapping[str, str | None]) -> str:
    """The corrective request's body: each failed block, then each file's current content."""
    listing = "\n".join(f"- {failure.message}" for failure in failed)
    shown = "\n".join(
        render_file_block(path, text) if text is not None else f"{path}: (missing)\n"
        for path, text in current.items()
    )
    return f"{listing}\n\nCurrent content:\n{shown}"
