"""The thread → UI bridge: the engine's bus sink appends, the app drains in batches.

The sink runs on engine threads (under the bus lock) and only appends to a deque under
its own lock: it never calls into Textual, so a burst of 10,000 events a second costs
the engine almost nothing. The app drains the buffer at most ~30 times a second inside
``batch_update()``. Consecutive streamed chunks (``LLMDelta``) of one call are merged
on the way in, so a long answer is one entry per frame, not one per token.
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
        # Text of chunks merged into the last queued delta; joined once, at drain time.
        self._tail_parts: list[str] = []
        self.received = 0
        """Events received so far (merged chunks counted one by one)."""

    def __call__(self, event: Event) -> None:
        """The bus sink: append ``event`` (merging it into the previous chunk if it is one)."""
        with self._lock:
            self.received += 1
            if isinstance(event, LLMDelta) and self._tail_parts:
                last = self._events[-1]
                if last.task_id == event.task_id and last.agent == event.agent:
                    self._tail_parts.append(event.text)
                    return
            self._close_tail()
            if isinstance(event, LLMDelta):
                # A private copy: the bus hands the same object to every sink.
                merged = LLMDelta(
                    task_id=event.task_id,
                    agent=event.agent,
                    timestamp=event.timestamp,
                    trace_id=event.trace_id,
                    span_id=event.span_id,
                    parent_span_id=event.parent_span_id,
                    text="",
                )
                self._events.append(merged)
                self._tail_parts = [event.text]
            else:
                self._events.append(event)

    def _close_tail(self) -> None:
        if self._tail_parts:
            tail = self._events[-1]
            assert isinstance(tail, LLMDelta)
            tail.text = "".join(self._tail_parts)
            self._tail_parts = []

    def drain(self, limit: int = 20_000) -> list[Event]:
        """Up to ``limit`` buffered events, oldest first (the rest wait for the next frame)."""
        with self._lock:
            self._close_tail()
            count = min(limit, len(self._events))
            return [self._events.popleft() for _ in range(count)]

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)
