"""Summarize a trace's records into a :class:`~sago_tui.export.model.RunView`.

One pass over the records. Each task-scoped event goes to the task named by its
``data.task_id``. Seed traces (no ``task_id`` anywhere) fall back to the
seed's own rule: events between ``task_start`` and ``task_end`` belong to the
one open task. A run with no ``workflow_end`` (a crash) is marked interrupted,
and so are its tasks that never ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sago_tui.core.plan import task_id_key
from sago_tui.export.model import (
    CACHED,
    FAILED,
    INTERRUPTED,
    NOT_RUN,
    PASSED,
    SKIPPED,
    RunView,
    Segment,
    TaskSummary,
    data_of,
    num,
    parse_time,
    text,
)
from sago_tui.export.timeline import apply_timeline

_LIFECYCLE = ("task_start", "task_end", "task_skip")
_RUN_LEVEL = ("workflow_start", "workflow_end", "plan_generated", "plan_approval")
_MAX_SEGMENTS = 40  # per task: enough to see the retries, small for huge traces
_MAX_NOTES = 5


class _Builder:
    def __init__(self, records: Sequence[dict[str, Any]]) -> None:
        self.records = records
        self.run = RunView()
        self.tasks: dict[str, TaskSummary] = {}
        self.open: list[str] = []
        self.seed_mode = not any("task_id" in data_of(r) for r in records)
        times = [parse_time(r.get("timestamp")) for r in records]
        t0 = next((t for t in times if t is not None), None)
        self.at = [None if t is None or t0 is None else t - t0 for t in times]
        self.last = max((t for t in self.at if t is not None), default=0.0)

    def owner(self, kind: str, data: dict[str, Any]) -> str | None:
        if data.get("task_id") is not None:
            return str(data["task_id"])
        if kind in _RUN_LEVEL:
            return None
        if kind in _LIFECYCLE and data.get("task_name"):
            return str(data["task_name"])
        if self.seed_mode and len(self.open) == 1:
            return self.open[0]
        return None

    def build(self) -> RunView:
        for index, record in enumerate(self.records):
            kind = text(record.get("event_type"))
            data = data_of(record)
            key = self.owner(kind, data)
            if key is None:
                self.run.run_events.append(index)
                self.run_event(kind, data, self.at[index], record)
                continue
            task = self.tasks.get(key)
            if task is None:
                task = self.tasks[key] = TaskSummary(key=key, task_id=key)
            task.events.append(index)
            self.task_event(task, kind, data, self.at[index], record)
        self.finish()
        return self.run

    def task_event(
        self, task: TaskSummary, kind: str, data: dict[str, Any], at: float | None, record: Any
    ) -> None:
        task.name = task.name or text(data.get("task_name"))
        # task_start, task_end and task_skip carry the phase (traces before 0.1 only start).
        task.phase = text(data.get("phase")) or task.phase
        if kind == "task_start":
            task.wave = int(num(data.get("wave")))
            task.files = [text(f) for f in data.get("files") or []]
            task.depends_on = [text(d) for d in data.get("depends_on") or []]
            task.start = at
            self.open.append(task.key)
        elif kind == "task_end":
            task.ended = True
            task.status = text(data.get("status")) or (PASSED if data.get("success") else FAILED)
            task.duration_s = num(data.get("duration_s"))
            task.tokens = int(num(data.get("total_tokens"), task.tokens))
            task.cost_usd = num(data.get("cost_usd"), task.cost_usd)
            estimate = data.get("estimated_cost_usd")
            task.estimated_cost_usd = num(estimate) if estimate is not None else None
            task.attempts = int(num(data.get("attempts")))
            task.error = text(data.get("error"))
            task.end = at
            if task.start is None and at is not None:
                task.start = at - task.duration_s
            if task.key in self.open:
                self.open.remove(task.key)
        elif kind == "cache_hit" and not task.ended:
            task.status, task.reason = CACHED, "unchanged since its last passing run"
            task.start = task.end = at
        elif kind == "cache_miss":
            task.reason = text(data.get("reason"))
        elif kind == "task_skip":
            reason = text(data.get("reason"))
            task.status = NOT_RUN if reason.startswith("not run") else SKIPPED
            task.reason, task.ended = reason, True
            task.start = task.end = at
        elif kind == "llm_call":
            self.run.cached_tokens += int(num(data.get("cached_tokens")))
            if not task.ended:
                task.tokens += int(num(data.get("total_tokens")))
                task.cost_usd += num(data.get("cost_usd"))
            self.segment(task, "llm", at, data, record, ok=True)
        elif kind == "verify_run":
            task.verify_runs += 1
            self.segment(task, "verify", at, data, record, ok=bool(data.get("success")))
        elif kind == "fix_attempt":
            task.fixes += 1

    def segment(
        self, task: TaskSummary, kind: str, at: float | None, data: dict[str, Any], record: Any,
        *, ok: bool,
    ) -> None:  # fmt: skip
        """A timed step; the event is written when the step ends, so it starts earlier."""
        if at is None or len(task.segments) >= _MAX_SEGMENTS:
            return
        seconds = num(data.get("duration_s"), num(record.get("duration_ms")) / 1000)
        task.segments.append(Segment(kind, max(0.0, at - seconds), at, ok))

    def run_event(self, kind: str, data: dict[str, Any], at: float | None, record: Any) -> None:
        run = self.run
        if kind == "workflow_start" and not run.started:
            run.run_id = text(data.get("run_id"))
            run.command, run.model = text(data.get("command")), text(data.get("model"))
            run.project = text(data.get("project_path"))
            options = data.get("options")
            run.options = options if isinstance(options, dict) else {}
            run.total_tasks = int(num(data.get("total_tasks")))
            run.started = text(record.get("timestamp")) or "?"
        elif kind == "workflow_end":
            run.interrupted = False
            run.exit_code = int(num(data.get("exit_code"), 1 - int(bool(data.get("success")))))
            run.reason = text(data.get("reason"))
            run.outcome = PASSED if data.get("success") else (run.reason or FAILED)
            if run.exit_code == 130:
                run.outcome = INTERRUPTED
            run.total_tasks = max(run.total_tasks, int(num(data.get("total_tasks"))))
            run.duration_s = num(data.get("duration_s"))
            run.tokens = int(num(data.get("total_tokens")))
            run.cached_tokens = int(num(data.get("cached_tokens")))
            run.cost_usd = num(data.get("cost_usd"))
        elif kind == "plan_generated":
            run.total_tasks = max(run.total_tasks, int(num(data.get("tasks"))))
            run.planning_end = at
        elif kind == "plan_approval":
            run.planning_end = at
        elif kind == "llm_call":
            run.cached_tokens += int(num(data.get("cached_tokens")))
            run.planning_tokens += int(num(data.get("total_tokens")))
            run.planning_cost_usd += num(data.get("cost_usd"))
        elif kind == "budget_stop":
            self.note(
                f"budget reached: ${num(data.get('spent_usd')):.4f} spent, the next call "
                f"(~${num(data.get('next_estimate_usd')):.4f}) would pass "
                f"--max-cost ${num(data.get('max_cost_usd')):.2f}"
            )
        elif kind == "error":
            self.note(f"error: {text(data.get('message'))}")

    def note(self, message: str) -> None:
        if len(self.run.notes) < _MAX_NOTES:
            self.run.notes.append(message[:500])

    def finish(self) -> None:
        run = self.run
        tasks = list(self.tasks.values())
        if not self.seed_mode:  # plan order: ids sort numerically (1.2 before 1.10)
            tasks.sort(key=lambda t: task_id_key(t.task_id))
        for task in tasks:
            if not task.ended:
                task.status, task.end = INTERRUPTED, self.last
                task.duration_s = self.last - (task.start if task.start is not None else 0.0)
        _fill_phases(tasks)
        run.tasks = tasks
        run.offsets = [None if t is None else round(t, 3) for t in self.at]
        for task in tasks:
            run.counts[task.status] = run.counts.get(task.status, 0) + 1
        run.total_tasks = max(run.total_tasks, len(tasks))
        run.estimated_cost_usd = sum(t.estimated_cost_usd or 0.0 for t in tasks)
        if run.interrupted:
            run.duration_s = self.last
            run.tokens = run.planning_tokens + sum(t.tokens for t in tasks)
            run.cost_usd = run.planning_cost_usd + sum(t.cost_usd for t in tasks)
        apply_timeline(run)


def _fill_phases(tasks: list[TaskSummary]) -> None:
    """Cached and skipped tasks have no ``task_start`` (which names the phase): borrow the
    phase of a sibling with the same id prefix (``1.2`` from ``1.1``), else name it after
    the prefix, as plans number their tasks (``Phase 1``)."""
    by_prefix = {t.task_id.split(".")[0]: t.phase for t in tasks if t.phase and "." in t.task_id}
    for task in tasks:
        if task.phase or "." not in task.task_id:
            continue
        prefix = task.task_id.split(".")[0]
        task.phase = by_prefix.get(prefix) or (f"Phase {prefix}" if prefix.isdigit() else "")


def summarize_records(records: Sequence[dict[str, Any]]) -> RunView:
    """The run view of a trace's records (seed traces and interrupted runs included)."""
    return _Builder(records).build()
