"""Build realistic trace records for the export tests from the engine's own event classes."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime
from typing import Any

from sago_tui.core.events import (
    _ENVELOPE,
    EVENT_TYPES,
    CacheHit,
    Event,
    FileRead,
    FileWritten,
    LLMCalled,
    TaskFinished,
    TaskStarted,
    VerifyRan,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.core.spec_events import RequirementsChecked
from sago_tui.export.schema_docs import TASK_SCOPE

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC).timestamp()
HOSTILE = (
    "<img src=x onerror=\"document.title='pwned'\">"
    "<script>document.title='pwned'</script></script><!-- \u2028\u2029 & &amp; "
)


class Clock:
    """Stamps events with increasing times and unique span ids."""

    def __init__(self) -> None:
        self.spans = itertools.count(1)

    def record(self, event: Event, at: float) -> dict[str, Any]:
        event.timestamp = datetime.fromtimestamp(T0 + at, UTC).isoformat()
        event.trace_id = "a" * 16
        event.span_id = f"{next(self.spans):016x}"
        return event.to_record()


def task_events(
    clock: Clock, task_id: str, start: float, *, name: str = "", fail_first: bool = False
) -> list[tuple[float, dict[str, Any]]]:
    """One task's records (start, read, call, write, verify, end) as (time, record) pairs."""
    name = name or f"Task {task_id}"
    out = [
        (start, TaskStarted(task_id=task_id, task_name=name, phase="Phase 1: Build",
                            files=["a.py"], wave=1)),
        (start + 0.1, FileRead(task_id=task_id, path="a.py", size_bytes=3, content_preview="x")),
        (start + 1.0, LLMCalled(task_id=task_id, model="gpt-4o", purpose="task",
                                prompt_tokens=100, completion_tokens=50, total_tokens=150,
                                cost_usd=0.001, duration_s=0.9, prompt_preview="p",
                                response_preview="r", finish_reason="stop")),
        (start + 1.1, FileWritten(task_id=task_id, path="a.py", size_bytes=4,
                                  content_preview="y\n", diff="-x\n+y\n", created=False)),
        (start + 1.5, VerifyRan(task_id=task_id, command="true", success=not fail_first,
                                exit_code=0 if not fail_first else 1, duration_s=0.4)),
        (start + 1.6, TaskFinished(task_id=task_id, task_name=name, success=not fail_first,
                                   status="failed" if fail_first else "passed",
                                   duration_s=1.6, attempts=1, total_tokens=150,
                                   cost_usd=0.001, estimated_cost_usd=0.002)),
    ]  # fmt: skip
    return [(at, clock.record(event, at)) for at, event in out]


def run_records(
    tasks: int = 2, *, parallel: bool = False, end: bool = True
) -> list[dict[str, Any]]:
    """A run of ``tasks`` tasks, one after another or all at once (interleaved lines)."""
    clock = Clock()
    start_event = WorkflowStarted(run_id="run-1", total_tasks=tasks, command="run", model="gpt-4o")
    records = [(0.0, clock.record(start_event, 0.0))]
    for n in range(tasks):
        start = 0.01 if parallel else 0.01 + n * 2
        records += task_events(clock, f"1.{n + 1}", start)
    records.sort(key=lambda pair: pair[0])
    out = [record for _, record in records]
    if end:
        last = 2.0 if parallel else tasks * 2.0
        finished = WorkflowFinished(
            success=True, total_tasks=tasks, passed=tasks, duration_s=last,
            total_tokens=150 * tasks, cost_usd=0.001 * tasks,
        )  # fmt: skip
        out.append(clock.record(finished, last))
    return out


def every_event_records(text: str = "", task_id: str = "1.1") -> list[dict[str, Any]]:
    """One record of every traced event type, task-scoped ones in task ``task_id``.

    With ``text``, every string field (and every list of strings) holds ``text``: the
    browser test uses it to put hostile markup through every renderer.
    """
    clock = Clock()
    events: list[Event] = []
    for kind, cls in EVENT_TYPES.items():
        if not cls.traced:
            continue
        scoped = not TASK_SCOPE[kind].startswith("never")
        event = cls(task_id=task_id) if scoped else cls()
        for f in dataclasses.fields(cls):
            if f.name in _ENVELOPE or f.name == "task_id":
                continue
            if f.name == "task_name":
                setattr(event, f.name, text or "Every event")
            elif text and f.type == "str":
                setattr(event, f.name, text)
            elif text and f.type == "list[str]":
                setattr(event, f.name, [text])
        if isinstance(event, CacheHit) and not text:
            event.key = "k" * 64
        if isinstance(event, RequirementsChecked):  # nested strings go through the renderer too
            word = text or "Count words"
            event.requirements = [
                {"id": "REQ-1", "text": word, "tasks": [["1.1", "passed"]], "done": True},
                {"id": text or "REQ-2", "text": word, "tasks": [[word, word]], "done": False},
            ]
        events.append(event)
    events.sort(key=lambda e: e.event_type == "workflow_end")  # the end goes last
    return [clock.record(event, float(at)) for at, event in enumerate(events)]
