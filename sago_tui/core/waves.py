"""Execution order (DESIGN.md §4, §6): waves for display and the run's scheduler.

Phases are barriers in file order. Inside a phase a task waits for the tasks
it names in ``depends_on`` and for every earlier task of the phase that lists
one of its files (:mod:`plan_deps`), so two tasks writing one file keep their
plan order and are never in flight together.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection

from sago_tui.core.plan import Plan, Task
from sago_tui.core.plan_deps import (
    data_dependencies_of,
    dependencies_of,
    file_keys,
    ordering_edges,
)

__all__ = [
    "Scheduler",
    "compute_waves",
    "data_dependencies_of",
    "dependencies_of",
    "ordering_edges",
]


def compute_waves(plan: Plan) -> list[list[Task]]:
    """Tasks grouped into waves, phase by phase: a wave holds the tasks whose dependencies
    inside their phase are all in earlier waves; plan order inside a wave.

    Tasks caught in a dependency cycle (an invalid plan) form one last wave of
    their phase rather than being lost.
    """
    deps = dependencies_of(plan)
    waves: list[list[Task]] = []
    for phase in plan.phases:
        order = {task.id: index for index, task in enumerate(phase.tasks)}
        waiting: dict[str, int] = {}
        dependents: dict[str, list[str]] = {}
        for task in phase.tasks:
            inside = {dep for dep in deps.get(task.id, ()) if dep in order}
            waiting[task.id] = len(inside)
            for dep in inside:
                dependents.setdefault(dep, []).append(task.id)
        wave = [task for task in phase.tasks if waiting[task.id] == 0]
        placed: set[str] = set()
        while wave:
            waves.append(wave)
            placed.update(task.id for task in wave)
            freed: set[str] = set()
            for task in wave:
                for other in dependents.get(task.id, ()):
                    waiting[other] -= 1
                    if waiting[other] == 0:
                        freed.add(other)
            wave = [task for task in phase.tasks if task.id in freed]
        stuck = [task for task in phase.tasks if task.id not in placed]
        if stuck:
            waves.append(stuck)
    return waves


class Scheduler:
    """Decides which tasks may start; the orchestrator owns threads and locking.

    Only ``include`` tasks are scheduled (None: all); any other task counts as
    satisfied. A task starts when every scheduled task of earlier phases has
    finished or been blocked, its :func:`dependencies_of` passed, and no task in
    flight shares one of its files.
    """

    def __init__(self, plan: Plan, include: Collection[str] | None = None) -> None:
        wanted = None if include is None else set(include)
        self._deps = dependencies_of(plan)
        self._order: dict[str, int] = {}
        self._phase_of: dict[str, int] = {}
        self._pending: list[dict[str, Task]] = []  # per phase, in plan order
        self._running_in: list[int] = []
        for index, phase in enumerate(plan.phases):
            pending: dict[str, Task] = {}
            for task in phase.tasks:
                if (wanted is None or task.id in wanted) and task.id not in self._order:
                    self._order[task.id] = len(self._order)
                    self._phase_of[task.id] = index
                    pending[task.id] = task
            self._pending.append(pending)
            self._running_in.append(0)
        self._files = {tid: file_keys(task) for part in self._pending for tid, task in part.items()}
        self._dependents: dict[str, list[str]] = {}
        for task_id in self._order:
            for dep in self._deps.get(task_id, ()):
                if dep in self._order:
                    self._dependents.setdefault(dep, []).append(task_id)
        self._running: dict[str, Task] = {}
        self._busy: set[str] = set()
        self._ok: set[str] = set()
        self._blocked: dict[str, str] = {}
        self._stopped = False
        self._cursor = 0  # first phase that may still have work

    @property
    def in_flight(self) -> set[str]:
        """Ids of the tasks started and not yet finished."""
        return set(self._running)

    @property
    def blocked(self) -> dict[str, str]:
        """Blocked task ids and why."""
        return dict(self._blocked)

    def pending(self) -> list[Task]:
        """Scheduled tasks not started, blocked or stopped, in plan order."""
        return [task for part in self._pending for task in part.values()]

    def done(self) -> bool:
        """True when nothing is pending and nothing is in flight."""
        return not self._running and not any(self._pending)

    def _current_phase(self) -> int | None:
        while self._cursor < len(self._pending) and not (
            self._pending[self._cursor] or self._running_in[self._cursor]
        ):
            self._cursor += 1
        return self._cursor if self._cursor < len(self._pending) else None

    def _may_start(self, task: Task) -> bool:
        deps = self._deps.get(task.id, ())
        if any(dep in self._order and dep not in self._ok for dep in deps):
            return False
        # Same-phase writers of a file are already ordered by dependencies_of; this
        # guard keeps the "one writer in flight" rule even if that ever changes.
        return not (self._files[task.id] & self._busy)

    def take_ready(self, limit: int) -> list[Task]:
        """Up to ``limit`` tasks that may start now, in plan order, marked in flight.

        Returns nothing once stopped, and nothing when the remaining tasks can
        never start (a cycle in an unvalidated plan): the caller then stops.
        """
        phase = self._current_phase()
        if self._stopped or limit <= 0 or phase is None:
            return []
        started: list[Task] = []
        pending = self._pending[phase]
        for task in list(pending.values()):
            if len(started) >= limit:
                break
            if self._may_start(task):
                del pending[task.id]
                self._running[task.id] = task
                self._busy |= self._files[task.id]
                self._running_in[phase] += 1
                started.append(task)
        return started

    def finish(self, task_id: str, ok: bool) -> list[tuple[Task, str]]:
        """Record a result; on failure return the scheduled tasks now blocked, with reasons."""
        task = self._running.pop(task_id, None)
        if task is None:
            raise ValueError(f"task {task_id} is not in flight")
        self._busy -= self._files[task_id]
        self._running_in[self._phase_of[task_id]] -= 1
        if ok:
            self._ok.add(task_id)
            return []
        blocked: list[tuple[Task, str]] = []
        queue = deque([task_id])
        while queue:
            current = queue.popleft()
            for other in self._dependents.get(current, ()):
                pending = self._pending[self._phase_of[other]]
                if other not in pending:
                    continue
                if current == task_id:
                    reason = f"dependency {task_id} failed"
                else:
                    reason = f"dependency {current} blocked by failed task {task_id}"
                self._blocked[other] = reason
                blocked.append((pending.pop(other), reason))
                queue.append(other)
        return sorted(blocked, key=lambda item: self._order[item[0].id])

    def stop(self) -> list[Task]:
        """Start nothing more; return the scheduled tasks that never started (plan order)."""
        self._stopped = True
        left = self.pending()
        for part in self._pending:
            part.clear()
        return left
