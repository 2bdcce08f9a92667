"""The plan model: phases of atomic tasks (DESIGN.md §4).

Parsing lives in :mod:`sago_tui.core.plan_parser`, writing in
:mod:`sago_tui.core.plan_writer`, checks in :mod:`sago_tui.core.plan_validate`
and execution order in :mod:`sago_tui.core.waves`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def task_id_key(task_id: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders ids numerically: ``1.2`` before ``1.10``, never as strings."""
    parts: list[tuple[int, int, str]] = []
    for part in task_id.split("."):
        if part.isdigit():
            parts.append((0, int(part), ""))
        else:
            parts.append((1, 0, part))
    return tuple(parts)


@dataclass
class Task:
    """One atomic task: one LLM call writes ``files``; ``verify`` proves it."""

    id: str
    name: str
    files: list[str]
    action: str
    verify: str
    done: str
    depends_on: list[str] = field(default_factory=list)
    phase: str = ""
    line: int = 0  # 1-based line of the <task> tag in PLAN.md, 0 when unknown
    # Requirement ids the task serves (traceability); not part of its definition,
    # so tagging a task with a requirement never invalidates its cache entry.
    reqs: list[str] = field(default_factory=list)

    def definition(self) -> dict[str, object]:
        """The fields that define what the task does (used by the cache and approval)."""
        return {
            "id": self.id,
            "name": self.name,
            "files": list(self.files),
            "action": self.action,
            "verify": self.verify,
            "done": self.done,
            "depends_on": list(self.depends_on),
        }


@dataclass
class Phase:
    """A group of tasks; phases run one after another, in file order."""

    name: str
    description: str = ""
    tasks: list[Task] = field(default_factory=list)
    line: int = 0


@dataclass
class Plan:
    """A parsed PLAN.md: the markdown around the ```xml block is kept for round trips."""

    phases: list[Phase] = field(default_factory=list)
    preamble: str = ""
    postamble: str = ""

    @property
    def tasks(self) -> list[Task]:
        """Every task in plan order (phase by phase, file order inside a phase)."""
        return [task for phase in self.phases for task in phase.tasks]

    def task(self, task_id: str) -> Task:
        """The task with ``task_id``; ``KeyError`` if there is none."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def phase_of(self, task_id: str) -> Phase:
        """The phase that holds ``task_id``."""
        for phase in self.phases:
            if any(task.id == task_id for task in phase.tasks):
                return phase
        raise KeyError(task_id)


@dataclass(frozen=True)
class PlanIssue:
    """One validation finding; ``severity`` is ``error`` or ``warning``."""

    severity: str
    message: str
    line: int = 0
    task_id: str = ""

    def __str__(self) -> str:
        where = f"PLAN.md:{self.line}: " if self.line else "PLAN.md: "
        who = f"task {self.task_id}: " if self.task_id else ""
        return f"{where}{who}{self.message}"


def plan_hash(text: str) -> str:
    """Hash of PLAN.md's text as stored on disk; approvals are bound to it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
