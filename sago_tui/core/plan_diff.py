"""What a plan update changes, task by task (DESIGN.md §11).

Tasks are matched by id. Each is ``added``, ``removed``, ``changed`` (with a text
diff of every changed field) or ``kept`` (same definition, whether it came from a
``<keep>`` marker or was restated identically). Files of removed tasks that no
task of the new plan declares are listed: they stay on disk, never deleted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from sago_tui.core.plan import Plan, Task

ADDED, CHANGED, REMOVED, KEPT = "added", "changed", "removed", "kept"
KINDS = (ADDED, CHANGED, REMOVED, KEPT)
_FIELDS = ("phase", "name", "files", "action", "verify", "done", "depends_on", "reqs")


@dataclass(frozen=True)
class FieldChange:
    """One field of a changed task: old and new text and their line diff."""

    field: str
    before: str
    after: str

    def diff_lines(self) -> list[str]:
        """``- old`` / ``+ new`` lines (unified, one line of context)."""
        lines = difflib.unified_diff(
            self.before.splitlines(), self.after.splitlines(), n=1, lineterm=""
        )
        # "- old" / "+ new" / "  context": hunk headers say nothing for short fields.
        return [
            f"{line[:1] or ' '} {line[1:]}"
            for line in lines
            if not line.startswith(("---", "+++", "@@"))
        ]


@dataclass(frozen=True)
class TaskChange:
    """One task's fate in the update."""

    task_id: str
    kind: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    """Every task's change, new plan order first, then the removed tasks."""

    tasks: tuple[TaskChange, ...]
    leftover_files: tuple[str, ...] = ()

    def ids(self, kind: str) -> list[str]:
        """Ids of the tasks with change ``kind``."""
        return [t.task_id for t in self.tasks if t.kind == kind]

    def summary(self) -> str:
        """``2 added, 1 changed, 1 removed, 5 kept``."""
        return ", ".join(f"{len(self.ids(kind))} {kind}" for kind in KINDS)

    @property
    def empty(self) -> bool:
        return all(t.kind == KEPT for t in self.tasks)


def _value(task: Task, field: str) -> str:
    value = getattr(task, field)
    return ", ".join(value) if isinstance(value, list) else str(value)


def diff_plans(old: Plan, new: Plan, root: Path | None = None) -> PlanDiff:
    """The change from ``old`` to ``new``; ``root`` lists leftover files that exist on disk."""
    before = {task.id: task for task in old.tasks}
    after_ids = {task.id for task in new.tasks}
    changes: list[TaskChange] = []
    for task in new.tasks:
        previous = before.get(task.id)
        if previous is None:
            changes.append(TaskChange(task.id, ADDED, task.name, files=tuple(task.files)))
            continue
        fields = tuple(
            FieldChange(name, _value(previous, name), _value(task, name))
            for name in _FIELDS
            if _value(previous, name) != _value(task, name)
        )
        kind = CHANGED if fields else KEPT
        changes.append(TaskChange(task.id, kind, task.name, fields, tuple(task.files)))
    declared = {name for task in new.tasks for name in task.files}
    leftovers: list[str] = []
    for task in old.tasks:
        if task.id in after_ids:
            continue
        changes.append(TaskChange(task.id, REMOVED, task.name, files=tuple(task.files)))
        for name in task.files:
            exists = root is None or (root / name).exists()
            if name not in declared and name not in leftovers and exists:
                leftovers.append(name)
    return PlanDiff(tuple(changes), tuple(leftovers))


def render_diff(diff: PlanDiff) -> list[str]:
    """The diff as plain text lines (CLI output, saved proposals)."""
    marks = {ADDED: "+", CHANGED: "~", REMOVED: "-", KEPT: "="}
    lines = [f"Plan update: {diff.summary()}"]
    for change in diff.tasks:
        lines.append(f"  {marks[change.kind]} {change.task_id} {change.kind}: {change.name}")
        for field in change.fields:
            lines.append(f"      {field.field}:")
            lines += [f"        {line}" for line in field.diff_lines()]
    if diff.leftover_files:
        lines.append(
            "Files of removed tasks stay on disk (delete them yourself if unwanted): "
            + ", ".join(diff.leftover_files)
        )
    return lines
