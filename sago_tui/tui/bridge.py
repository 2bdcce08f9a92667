"""The thread → UI bridge: the engine's bus sink appends, the app drains in batches.

The sink runs on engine threads (under the bus lock) and only appends to a deque under
its own lock: it never calls into Textual, so a burst of 10,000 events a second costs
the engine almost nothing. The app drains the buffer at most ~30 times a second inside
``batch_update()``. Streamed chunks (``LLMDelta``) are merged on the way in: per task
and agent, every chunk since that task's previous other event joins one queued delta,
even while other tasks' events arrive in between (parallel tasks interleave). Within a
task the order is kept; across tasks only live chunks move, and those are shown per
task. So a frame applies about one delta per streaming task, not one per token.
"""

from __future__ import annotations

import threading
from collections import deque

from sago_tui.core.events import Event, LLMDelta


class EventBridge:
    """A thread-safe event buffer; call it as a bus sink, drain it from the UI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: deque[Event] = deque()
        # Queued deltas still taking chunks: task id → agent → (delta, its chunks so far).
        # The text is joined once, when the delta is closed (drain, or the task's next event).
        self._open: dict[str | None, dict[str, tuple[LLMDelta, list[str]]]] = {}
        self.received = 0
        """Events received so far (merged chunks counted one by one)."""

    def __call__(self, event: Event) -> None:
        """The bus sink: queue ``event``, or add its text to its task's open delta."""
        with self._lock:
            self.received += 1
            task = event.task_id
            if not isinstance(event, LLMDelta):
                self._close(task)
                self._events.append(event)
                return
            agents = self._open.setdefault(task, {})
            entry = agents.get(event.agent)
            if entry is not None:
                entry[1].append(event.text)
                return
            # A private copy: the bus hands the same object to every sink.
            merged = LLMDelta(
                task_id=task,
                agent=event.agent,
                timestamp=event.timestamp,
                trace_id=event.trace_id,
                span_id=event.span_id,
                parent_span_id=event.parent_span_id,
                text="",
            )
            self._events.append(merged)
            agents[event.agent] = (merged, [event.text])

    def _close(self, task: str | None) -> None:
        """Finish the open deltas of ``task``: later chunks queue after its new event."""
        agents = self._open.pop(task, None)
        for delta, parts in (agents or {}).values():
            delta.text = "".join(parts)

    def drain(self, limit: int = 20_000) -> list[Event]:
        """Up to ``limit`` buffered events, oldest first (the rest wait for the next frame)."""
        with self._lock:
            for task in list(self._open):
                self._close(task)
            count = min(limit, len(self._events))
            return [self._events.popleft() for _ in range(count)]

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)
