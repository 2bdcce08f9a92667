"""What to replay (:class:`Replay`) and what the app must know before delivering it.

One pass of the HTML export's summarizer (:func:`summarize_records`) gives the tasks
the trace mentions (id, name, phase, files, dependencies), which records belong to
which task (seed traces have no ``data.task_id``: events between a ``task_start`` and
its ``task_end`` are that task's) and each record's offset from the start of the run.
From these come a :class:`Plan` for the tree and cost table, the owners to fill into
events that lack a task id, and the pacing of ``trace --demo``. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sago_tui.core.events import Event, from_record
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.project import Project
from sago_tui.export.model import RunView, TaskSummary, data_of, num, parse_time
from sago_tui.export.summary import summarize_records

NO_PHASE = "Tasks"
"""The phase name for tasks whose events never name one."""


@dataclass
class Replay:
    """What to replay: the trace's records, a title, and where they came from."""

    records: list[dict[str, Any]]
    title: str
    project: Project | None = None
    trace_path: Path | None = None
    """The trace file: Log rows older than the in-memory window are read back from it."""
    pace: bool = False


@dataclass
class ReplayModel:
    """A trace prepared for the app."""

    records: list[dict[str, Any]]
    run: RunView
    plan: Plan | None
    start: float = 0.0
    """Epoch seconds of the first timestamp (the header's elapsed time counts from it)."""
    owners: dict[int, str] = field(default_factory=dict)
    """Record index → task id, for task events that do not carry one (seed traces)."""
    max_cost: float | None = None

    def event(self, index: int) -> Event:
        """Record ``index`` as a typed event, exactly as the live bus would have sent it."""
        event = from_record(self.records[index])
        if event.task_id is None and index in self.owners:
            event.task_id = self.owners[index]
        return event

    def offsets(self, seconds: float) -> list[float]:
        """When to deliver each record (seconds from the start of the replay), the run's
        own timing scaled down so the whole run takes at most ``seconds``."""
        raw = self.run.offsets
        span = max((t for t in raw if t is not None), default=0.0)
        scale = min(1.0, seconds / span) if span > 0 else 0.0
        out: list[float] = []
        last = 0.0
        for offset in raw:
            # A record without a timestamp goes with the one before it; never go back.
            last = max(last, offset * scale) if offset is not None else last
            out.append(last)
        return out


def _task(summary: TaskSummary, records: list[dict[str, Any]]) -> Task:
    """A plan task from what the trace says about it (its verify command included)."""
    verify = ""
    for index in summary.events:
        if records[index].get("event_type") == "verify_run":
            verify = str(data_of(records[index]).get("command") or "")
            break
    return Task(
        id=summary.task_id,
        name=summary.name or summary.task_id,
        files=list(summary.files),
        action="",
        verify=verify,
        done="",
        depends_on=list(summary.depends_on),
        phase=summary.phase or NO_PHASE,
    )


def plan_of(run: RunView, records: list[dict[str, Any]]) -> Plan | None:
    """The tasks seen in the trace, in their phases (in order of first appearance)."""
    if not run.tasks:
        return None
    phases: dict[str, Phase] = {}
    for summary in run.tasks:
        task = _task(summary, records)
        phases.setdefault(task.phase, Phase(task.phase)).tasks.append(task)
    return Plan(phases=list(phases.values()))


def prepare(records: list[dict[str, Any]]) -> ReplayModel:
    """Summarize ``records`` for a replay (call in a thread: ~0.3 s for 50,000 events)."""
    run = summarize_records(records)
    owners: dict[int, str] = {}
    for summary in run.tasks:
        for index in summary.events:
            if data_of(records[index]).get("task_id") is None:
                owners[index] = summary.task_id
    start = next((t for r in records if (t := parse_time(r.get("timestamp"))) is not None), 0.0)
    budget = run.options.get("max_cost")
    max_cost = num(budget) if isinstance(budget, int | float) else None
    return ReplayModel(records, run, plan_of(run, records), start, owners, max_cost)
