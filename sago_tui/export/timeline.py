"""The run's timeline: what each task waited for, and how many ran at once.

A task's ``ready`` time is when the last thing it waited for finished: its
``depends_on`` tasks when the trace names them, otherwise the task whose end
let the scheduler start it (the latest end at or before its start: a slot or
a dependency freed up), and for the first tasks the end of planning.
"""

from __future__ import annotations

import bisect

from sago_tui.export.model import CACHED, NOT_RUN, SKIPPED, PhaseSummary, RunView, TaskSummary

# A task that starts within this many seconds after another ended was started by that end.
_TOLERANCE_S = 0.002
_NOT_EXECUTED = (CACHED, SKIPPED, NOT_RUN)


def _executed(task: TaskSummary) -> bool:
    return task.status not in _NOT_EXECUTED and task.start is not None


def apply_timeline(run: RunView) -> None:
    """Fill ``ready``/``after`` of every executed task, ``max_parallel`` and the phases."""
    # Cached tasks count as ended (a later task may have waited for them); skips never ran.
    ended = {
        t.task_id: t for t in run.tasks if t.end is not None and t.status not in (SKIPPED, NOT_RUN)
    }
    gate = run.planning_end
    # Ended tasks sorted by end time: "the latest end at or before a start" is a bisection.
    by_end = sorted(ended.values(), key=lambda t: t.end or 0.0)
    ends = [t.end or 0.0 for t in by_end]
    for task in run.tasks:
        if not _executed(task):
            continue
        start = task.start or 0.0
        deps = [ended[d] for d in task.depends_on if d in ended]
        if deps:
            task.ready = max(d.end or 0.0 for d in deps)
            task.after = [d.task_id for d in sorted(deps, key=lambda d: -(d.end or 0.0))]
            continue
        index = bisect.bisect_right(ends, start + _TOLERANCE_S) - 1
        while index >= 0 and by_end[index] is task:
            index -= 1
        if index >= 0:
            task.ready, task.after = ends[index], [by_end[index].task_id]
        elif gate is not None and gate <= start:
            task.ready = gate
        else:
            task.ready = start
    run.max_parallel = _max_overlap([t for t in run.tasks if _executed(t)])
    run.phases = _phases(run.tasks)


def _max_overlap(tasks: list[TaskSummary]) -> int:
    """The most tasks in flight at one moment (an end and a start at one instant don't overlap)."""
    points: list[tuple[float, int]] = []
    for task in tasks:
        start = task.start or 0.0
        end = max(task.end if task.end is not None else start, start)
        points += [(start, 1), (max(start, end - _TOLERANCE_S), -1)]
    points.sort(key=lambda p: (p[0], p[1]))
    best = current = 0
    for _, step in points:
        current += step
        best = max(best, current)
    return best


def _phases(tasks: list[TaskSummary]) -> list[PhaseSummary]:
    """Per-phase totals in order of first appearance; tasks without a phase share one."""
    phases: dict[str, PhaseSummary] = {}
    for task in tasks:
        phase = phases.setdefault(task.phase, PhaseSummary(task.phase))
        phase.tasks.append(task.key)
        phase.tokens += task.tokens
        phase.cost_usd += task.cost_usd
        phase.estimated_cost_usd += task.estimated_cost_usd or 0.0
    return list(phases.values())
