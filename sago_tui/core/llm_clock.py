"""The deadlines of one LLM attempt (DESIGN.md §5, README "Timeouts of streamed answers").

``LLM_TIMEOUT`` bounds a whole non-streamed call. A streamed answer is bounded by
the wait for its first chunk and by the silence between chunks instead, so a slow
but steady model is never cut and restarted; an optional total cap ends it for good
and keeps the text received so far (the caller saves it under ``.planning/raw/``).
"""

from __future__ import annotations

import time

from sago_tui.core.errors import LLMError
from sago_tui.core.settings import LLMSettings


class AttemptClock:
    """The deadlines of one attempt.

    Non-streamed: ``timeout`` for the whole answer. Streamed: ``first_token_wait`` for
    the first chunk, then ``idle_wait`` between chunks, so a slow but steady model is
    never cut; ``total_timeout`` (optional) caps the whole answer, not retried.
    """

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.started = time.monotonic()
        self.parts: list[str] = []
        self.chunks = 0
        first = settings.first_token_wait if settings.stream else settings.timeout
        self.deadline = self.started + first
        cap = settings.total_timeout if settings.stream else None
        self.cap = self.started + cap if cap else float("inf")

    def elapsed(self) -> float:
        """Seconds since the attempt started."""
        return time.monotonic() - self.started

    def remaining(self) -> float:
        """Seconds until the nearest deadline (≤ 0: expired)."""
        return min(self.deadline, self.cap) - time.monotonic()

    def received(self, text: str) -> None:
        """A chunk arrived (``text`` may be empty): the idle deadline starts again."""
        self.chunks += 1
        if text:
            self.parts.append(text)
        if self.settings.stream:
            self.deadline = time.monotonic() + self.settings.idle_wait

    def expired(self, model: str) -> LLMError:
        """The error for the deadline that passed, naming the setting that set it."""
        settings, received = self.settings, sum(len(p) for p in self.parts)
        prefix = f"LLM provider error (timeout) from {model}: "
        if time.monotonic() >= self.cap:
            return LLMError(
                f"{prefix}the answer was cut at the total cap of {settings.total_timeout:g} s "
                f"(LLM_TOTAL_TIMEOUT) after {received:,} characters",
                kind="timeout",
                partial="".join(self.parts),
            )
        if not settings.stream:
            why = f"no complete answer within {settings.timeout:g} s (LLM_TIMEOUT)"
        elif not self.chunks:
            why = f"no first token within {settings.first_token_wait:g} s (LLM_FIRST_TOKEN_TIMEOUT)"
        else:
            why = (
                f"the stream stalled: nothing for {settings.idle_wait:g} s after "
                f"{received:,} characters (LLM_IDLE_TIMEOUT)"
            )
        return LLMError(prefix + why, kind="timeout", retryable=True)
