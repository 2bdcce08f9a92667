"""The data the HTML export draws: one entry per task and the run's totals.

Plain dataclasses built by :mod:`sago_tui.export.summary` from trace records
and embedded in the page as JSON, so every number the page shows is computed
(and unit-tested) in Python; the page's script only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sago_tui.core.task_status import TaskStatus

PASSED = TaskStatus.PASSED
FAILED = TaskStatus.FAILED
CACHED = TaskStatus.CACHED
SKIPPED = TaskStatus.SKIPPED
NOT_RUN = TaskStatus.NOT_RUN
RUNNING = TaskStatus.RUNNING
INTERRUPTED = "interrupted"


@dataclass
class Segment:
    """A timed step inside a task's bar: an LLM call or a verify run (seconds from run start)."""

    kind: str
    start: float
    end: float
    ok: bool = True


@dataclass
class TaskSummary:
    """One task of the run, keyed by ``data.task_id`` (parallel tasks never share a card)."""

    key: str
    task_id: str
    name: str = ""
    phase: str = ""
    status: str = RUNNING
    wave: int = 0
    files: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    duration_s: float = 0.0
    tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float | None = None
    attempts: int = 0
    error: str = ""
    reason: str = ""
    verify_runs: int = 0
    fixes: int = 0
    ready: float | None = None
    after: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    ended: bool = False


@dataclass
class PhaseSummary:
    """Totals of one phase for the cost table."""

    name: str
    tasks: list[str] = field(default_factory=list)
    tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float = 0.0


@dataclass
class RunView:
    """The run as a whole: the header's numbers, tasks in order, phases, run-level events."""

    run_id: str = ""
    command: str = ""
    model: str = ""
    project: str = ""
    started: str = ""
    outcome: str = INTERRUPTED
    interrupted: bool = True
    reason: str = ""
    exit_code: int | None = None
    total_tasks: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float = 0.0
    duration_s: float = 0.0
    max_parallel: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    planning_tokens: int = 0
    planning_cost_usd: float = 0.0
    planning_end: float | None = None
    tasks: list[TaskSummary] = field(default_factory=list)
    phases: list[PhaseSummary] = field(default_factory=list)
    run_events: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    offsets: list[float | None] = field(default_factory=list)


def parse_time(stamp: object) -> float | None:
    """Seconds since the epoch of an ISO timestamp, or None when it is not one."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def data_of(record: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` object of a record (empty when missing or malformed)."""
    data = record.get("data")
    return data if isinstance(data, dict) else {}


def num(value: object, default: float = 0.0) -> float:
    """``value`` as a float when it is a real number (never a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def text(value: object) -> str:
    """``value`` as display text (None is empty)."""
    return "" if value is None else str(value)


def run_to_json(run: RunView) -> dict[str, Any]:
    """``run`` as JSON-ready dicts (shallow: far faster than ``dataclasses.asdict``)."""
    out = dict(vars(run))
    out["tasks"] = [
        {**vars(task), "segments": [vars(s) for s in task.segments]} for task in run.tasks
    ]
    out["phases"] = [vars(phase) for phase in run.phases]
    return out
