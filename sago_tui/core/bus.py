"""The event bus: fills in the trace envelope and fans events out to sinks.

Sinks are plain callables (the trace writer, the headless printer, the TUI's
thread-safe buffer). ``emit`` may be called from any thread; sinks are called
under one lock so every sink sees events in the same order. Sinks must be
quick: the TUI sink only appends to a buffer.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sago_tui.core.events import (
    Event,
    TaskFinished,
    TaskStarted,
    WorkflowFinished,
    WorkflowStarted,
)

Sink = Callable[[Event], None]


def utc_now_iso() -> str:
    """The current time as an ISO-8601 UTC timestamp (the trace's format)."""
    return datetime.now(UTC).isoformat()


_ids = random.Random()  # seeded from os.urandom; ids need to be unique, not secret
os.register_at_fork(after_in_child=_ids.seed)  # a forked child draws its own ids


def new_id() -> str:
    """A 16-hex-digit id, the seed's format for trace and span ids.

    64 random bits, as before, without uuid4's system call per event (a span id is
    drawn for every event: 10,000 a second in a busy run)."""
    return f"{_ids.getrandbits(64):016x}"


class EventBus:
    """Stamps each event with the envelope and hands it to every sink."""

    def __init__(
        self,
        trace_id: str | None = None,
        clock: Callable[[], str] = utc_now_iso,
    ) -> None:
        self.trace_id = trace_id or new_id()
        self._clock = clock
        self._sinks: list[Sink] = []
        self._lock = threading.RLock()
        self._workflow_span: str | None = None
        self._task_spans: dict[str, str] = {}

    def subscribe(self, sink: Sink) -> None:
        """Add a sink; it receives every event emitted from now on."""
        with self._lock:
            self._sinks.append(sink)

    def unsubscribe(self, sink: Sink) -> None:
        """Remove a sink added with :meth:`subscribe`."""
        with self._lock:
            if sink in self._sinks:
                self._sinks.remove(sink)

    def emit(self, event: Event) -> Event:
        """Stamp ``event`` and deliver it; returns the stamped event."""
        with self._lock:
            if not event.timestamp:
                event.timestamp = self._clock()
            event.trace_id = self.trace_id
            # A start/end pair shares one span, as in the seed's tracer.
            if isinstance(event, WorkflowFinished) and self._workflow_span:
                event.span_id = self._workflow_span
            elif isinstance(event, TaskFinished) and event.task_id in self._task_spans:
                event.span_id = self._task_spans[event.task_id or ""]
            if not event.span_id:
                event.span_id = new_id()
            if isinstance(event, WorkflowStarted | WorkflowFinished):
                if isinstance(event, WorkflowStarted):
                    self._workflow_span = event.span_id
                    self._task_spans.clear()
                event.parent_span_id = None
            elif isinstance(event, TaskStarted | TaskFinished):
                if isinstance(event, TaskStarted) and event.task_id:
                    self._task_spans[event.task_id] = event.span_id
                event.parent_span_id = self._workflow_span
            elif event.task_id and event.task_id in self._task_spans:
                event.parent_span_id = self._task_spans[event.task_id]
            else:
                event.parent_span_id = self._workflow_span
            for sink in list(self._sinks):
                sink(event)
        return event
