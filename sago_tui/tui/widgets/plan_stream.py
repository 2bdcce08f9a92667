"""The plan (or spec) answer as it streams in, while the LLM call runs."""

from __future__ import annotations

from textual.widgets import Log

MAX_STREAM_CHARS = 500_000
"""Beyond this the view stops growing (the full answer is written to PLAN.md anyway)."""


class PlanStream(Log):
    """A :class:`Log` fed with streamed text chunks (partial lines are joined by ``Log``)."""

    def __init__(self) -> None:
        super().__init__(id="plan-stream", auto_scroll=True)
        self.chars = 0

    def begin(self) -> None:
        """Clear the view for a new answer."""
        self.clear()
        self.chars = 0

    def append(self, text: str) -> None:
        """Add a streamed chunk."""
        if self.chars >= MAX_STREAM_CHARS:
            return
        self.chars += len(text)
        self.write(text)
        if self.chars >= MAX_STREAM_CHARS:
            self.write("\n… (answer too long to show here; it is saved when complete)\n")
