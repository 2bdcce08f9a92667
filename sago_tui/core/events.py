"""Typed events emitted by the engine (DESIGN.md §7).

Each event's ``event_type`` and data fields match the seed's trace format, so
``to_record()`` is one line of ``trace.jsonl``; the bus fills in the envelope. ``from_record``
turns a trace line back into a typed event, so a replayed trace drives the same sinks as a
live run. Events with ``traced = False`` (streamed LLM text) reach live sinks only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

_ENVELOPE = ("timestamp", "trace_id", "span_id", "parent_span_id", "duration_ms", "agent")


@dataclass(kw_only=True)
class Event:
    """Base event: the envelope fields plus an optional ``task_id``."""

    event_type: ClassVar[str] = "event"
    traced: ClassVar[bool] = True

    agent: str = "Orchestrator"
    task_id: str | None = None
    timestamp: str = ""
    trace_id: str = ""
    span_id: str = ""
    parent_span_id: str | None = None
    duration_ms: float | None = None

    def data(self) -> dict[str, Any]:
        """The ``data`` object of the trace line (every field but the envelope)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in _ENVELOPE:
                continue
            value = getattr(self, f.name)
            if f.name == "task_id" and value is None:
                continue
            out[f.name] = value
        return out

    def to_record(self) -> dict[str, Any]:
        """The full trace line: the seed's envelope with ``data``."""
        return {
            "event_type": self.event_type,
            "timestamp": self.timestamp,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id,
            "agent": self.agent,
            "data": self.data(),
            "duration_ms": self.duration_ms,
        }


@dataclass(kw_only=True)
class WorkflowStarted(Event):
    """A run, plan or init command started."""

    event_type: ClassVar[str] = "workflow_start"
    project_path: str = ""
    total_tasks: int = 0
    run_id: str = ""
    command: str = ""
    model: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class WorkflowFinished(Event):
    """The run ended; written on every path, failures and interrupts included."""

    event_type: ClassVar[str] = "workflow_end"
    success: bool = False
    total_tasks: int = 0
    passed: int = 0
    failed: int = 0
    cached: int = 0
    skipped: int = 0
    not_run: int = 0
    duration_s: float = 0.0
    exit_code: int = 0
    reason: str = ""
    total_tokens: int = 0
    cost_usd: float = 0.0
    cached_tokens: int = 0  # prompt tokens served by the provider's prompt cache


@dataclass(kw_only=True)
class PlanGenerated(Event):
    """PLAN.md was written from an LLM answer."""

    event_type: ClassVar[str] = "plan_generated"
    agent: str = "PlannerAgent"
    path: str = "PLAN.md"
    phases: int = 0
    tasks: int = 0
    attempts: int = 1
    warnings: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class PlanApproved(Event):
    """A human (or ``--yes``) approved the plan; skipped tasks will not run."""

    event_type: ClassVar[str] = "plan_approval"
    plan_hash: str = ""
    approved: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    approved_by: str = ""


@dataclass(kw_only=True)
class TaskStarted(Event):
    """A task began executing (after the cache said it must)."""

    event_type: ClassVar[str] = "task_start"
    agent: str = "ExecutorAgent"
    task_name: str = ""
    phase: str = ""
    files: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    wave: int = 0


@dataclass(kw_only=True)
class TaskFinished(Event):
    """A task ended; ``status`` is ``passed``, ``failed`` or ``cached``."""

    event_type: ClassVar[str] = "task_end"
    agent: str = "ExecutorAgent"
    task_name: str = ""
    phase: str = ""
    success: bool = False
    status: str = ""
    duration_s: float = 0.0
    error: str = ""
    category: str = ""
    attempts: int = 0
    total_tokens: int = 0
    cost_usd: float = 0.0
    estimated_cost_usd: float | None = None
    cached_tokens: int = 0


@dataclass(kw_only=True)
class TaskSkipped(Event):
    """A task did not run: not approved, a dependency failed, or the run stopped."""

    event_type: ClassVar[str] = "task_skip"
    task_name: str = ""
    phase: str = ""
    reason: str = ""


@dataclass(kw_only=True)
class FileRead(Event):
    """A file was read into an LLM prompt."""

    event_type: ClassVar[str] = "file_read"
    agent: str = "ExecutorAgent"
    path: str = ""
    size_bytes: int = 0
    content_preview: str = ""


@dataclass(kw_only=True)
class FileWritten(Event):
    """A file was written (atomically) from an LLM answer."""

    event_type: ClassVar[str] = "file_write"
    agent: str = "ExecutorAgent"
    path: str = ""
    size_bytes: int = 0
    content_preview: str = ""
    diff: str = ""
    created: bool = False


@dataclass(kw_only=True)
class FileRefused(Event):
    """The LLM named a path the task may not write; nothing was written there."""

    event_type: ClassVar[str] = "file_refused"
    agent: str = "ExecutorAgent"
    path: str = ""
    reason: str = ""


@dataclass(kw_only=True)
class LLMRequested(Event):
    """An LLM call is about to be sent (live only: the TUI shows it in flight)."""

    event_type: ClassVar[str] = "llm_request"
    traced: ClassVar[bool] = False
    model: str = ""
    purpose: str = ""
    prompt_tokens: int = 0


@dataclass(kw_only=True)
class LLMDelta(Event):
    """A chunk of streamed answer text (live only)."""

    event_type: ClassVar[str] = "llm_delta"
    traced: ClassVar[bool] = False
    text: str = ""


@dataclass(kw_only=True)
class LLMCalled(Event):
    """An LLM call finished, with its real usage and cost."""

    event_type: ClassVar[str] = "llm_call"
    model: str = ""
    purpose: str = ""
    attempt: int = 1
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = 0  # part of prompt_tokens, priced at the cache-read cost
    cost_usd: float | None = None
    duration_s: float = 0.0
    finish_reason: str = ""
    prompt_preview: str = ""
    response_preview: str = ""


@dataclass(kw_only=True)
class VerifyRan(Event):
    """A task's verify command ran."""

    event_type: ClassVar[str] = "verify_run"
    agent: str = "VerifierAgent"
    command: str = ""
    success: bool = False
    exit_code: int | None = None
    duration_s: float = 0.0
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    category: str = ""
    attempt: int = 1


@dataclass(kw_only=True)
class CacheHit(Event):
    """A passed task was unchanged and skipped with zero LLM calls."""

    event_type: ClassVar[str] = "cache_hit"
    key: str = ""


@dataclass(kw_only=True)
class CacheMiss(Event):
    """A task must run; ``reason`` says why (``action changed``, ``input src/a.py changed``)."""

    event_type: ClassVar[str] = "cache_miss"
    reason: str = ""


@dataclass(kw_only=True)
class Compressed(Event):
    """A prompt was compressed to fit ``max_context_tokens``."""

    event_type: ClassVar[str] = "compression"
    strategy: str = ""
    original_tokens: int = 0
    compressed_tokens: int = 0
    savings_pct: float = 0.0


@dataclass(kw_only=True)
class ErrorOccurred(Event):
    """Something failed; ``error_type`` is a short machine-readable kind."""

    event_type: ClassVar[str] = "error"
    message: str = ""
    error_type: str = ""


@dataclass(kw_only=True)
class WarningIssued(Event):
    """A non-fatal problem (validator warning, corrupt cache entry, git failure)."""

    event_type: ClassVar[str] = "warning"
    message: str = ""


@dataclass(kw_only=True)
class FixAttempted(Event):
    """An auto-fix attempt after a failed verify.

    ``outcome`` is ``fixed``, ``failed`` or ``gave_up``.
    """

    event_type: ClassVar[str] = "fix_attempt"
    agent: str = "SelfHealingAgent"
    attempt: int = 1
    category: str = ""
    outcome: str = ""
    reason: str = ""


@dataclass(kw_only=True)
class GitCommitted(Event):
    """The files of a passed task were committed (or the commit failed)."""

    event_type: ClassVar[str] = "git_commit"
    success: bool = False
    sha: str = ""
    files: list[str] = field(default_factory=list)
    message: str = ""
    error: str = ""


@dataclass(kw_only=True)
class BudgetStopped(Event):
    """The run stopped before a call that would cross ``--max-cost``."""

    event_type: ClassVar[str] = "budget_stop"
    spent_usd: float = 0.0
    next_estimate_usd: float = 0.0
    max_cost_usd: float = 0.0
    purpose: str = ""


@dataclass(kw_only=True)
class GenericEvent(Event):
    """An event type this version does not know (read back from a trace)."""

    payload: dict[str, Any] = field(default_factory=dict)
    kind: str = "unknown"

    def data(self) -> dict[str, Any]:
        return dict(self.payload)

    def to_record(self) -> dict[str, Any]:
        record = super().to_record()
        record["event_type"] = self.kind
        return record


EVENT_TYPES: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        WorkflowStarted,
        WorkflowFinished,
        PlanGenerated,
        PlanApproved,
        TaskStarted,
        TaskFinished,
        TaskSkipped,
        FileRead,
        FileWritten,
        FileRefused,
        LLMRequested,
        LLMDelta,
        LLMCalled,
        VerifyRan,
        CacheHit,
        CacheMiss,
        Compressed,
        ErrorOccurred,
        WarningIssued,
        FixAttempted,
        GitCommitted,
        BudgetStopped,
    )
}


def from_record(record: dict[str, Any]) -> Event:
    """Rebuild a typed event from a trace line; unknown keys and types are tolerated."""
    raw_data = record.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    kind = str(record.get("event_type", ""))
    envelope: dict[str, Any] = {
        "timestamp": str(record.get("timestamp") or ""),
        "trace_id": str(record.get("trace_id") or ""),
        "span_id": str(record.get("span_id") or ""),
        "parent_span_id": record.get("parent_span_id"),
        "duration_ms": record.get("duration_ms"),
        "agent": str(record.get("agent") or "Orchestrator"),
    }
    task_id = data.get("task_id")
    if task_id is not None:
        envelope["task_id"] = str(task_id)
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        return GenericEvent(payload=dict(data), kind=kind, **envelope)
    names = {f.name for f in dataclasses.fields(cls)} - set(_ENVELOPE) - {"task_id"}
    kwargs = {name: data[name] for name in names if name in data}
    try:
        return cls(**envelope, **kwargs)
    except TypeError:
        return GenericEvent(payload=dict(data), kind=kind, **envelope)
