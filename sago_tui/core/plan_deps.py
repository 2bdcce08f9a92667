"""Which tasks a task waits for (DESIGN.md §4): explicit ``depends_on`` plus file order.

Two tasks that list one file are ordered by the plan: the later one waits for
the earlier. Inside a phase that is an execution constraint; across phases it
tells the cache whose outputs a task consumes.
"""

from __future__ import annotations

import posixpath

from sago_tui.core.plan import Plan, Task


def file_keys(task: Task) -> set[str]:
    """The task's files normalised for comparison (``a/./b`` and ``a/b`` are one file)."""
    return {posixpath.normpath(name) for name in task.files if name}


def _writer_dependencies(plan: Plan, *, any_phase: bool, latest_only: bool) -> dict[str, set[str]]:
    deps: dict[str, set[str]] = {}
    writers: dict[str, list[str]] = {}
    for phase in plan.phases:
        if not any_phase:
            writers = {}  # file sharing only orders tasks of the same phase
        for task in phase.tasks:
            mine = deps.setdefault(task.id, set())
            mine.update(dep for dep in task.depends_on if dep != task.id)
            for key in file_keys(task):
                earlier = writers.setdefault(key, [])
                candidates = earlier[-1:] if latest_only else earlier
                mine.update(other for other in candidates if other != task.id)
                earlier.append(task.id)
    return deps


def dependencies_of(plan: Plan) -> dict[str, set[str]]:
    """For each task id: its ``depends_on`` plus every earlier task of the same phase
    that lists one of its files (what the scheduler waits for)."""
    return _writer_dependencies(plan, any_phase=False, latest_only=False)


def data_dependencies_of(plan: Plan) -> dict[str, set[str]]:
    """For each task id: its ``depends_on`` plus every earlier task of any phase that
    lists one of its files (the tasks whose outputs it may consume)."""
    return _writer_dependencies(plan, any_phase=True, latest_only=False)


def ordering_edges(plan: Plan) -> dict[str, set[str]]:
    """Like :func:`dependencies_of` but keeping only the latest earlier writer of each file.

    The same tasks stay reachable (each writer waits for the one before it), yet
    the graph stays linear in size, so cycle checks on untrusted plans are fast.
    """
    return _writer_dependencies(plan, any_phase=False, latest_only=True)
