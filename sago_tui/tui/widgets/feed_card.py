"""One Feed card as data: header, the newest entries, and the LLM call in flight.

Cards are not widgets: the Feed draws their lines itself (only the visible ones), so a
run of hundreds of tasks costs one widget, not hundreds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from textual.content import Content

from sago_tui.core.events import Event
from sago_tui.tui.feed_entries import live_content
from sago_tui.tui.formatting import STATUS_COLOURS, duration, icon, money, tokens
from sago_tui.tui.task_views import TaskView

MAX_LINES = 60
"""Entry lines a card keeps; older ones are counted (and are in the Log)."""
Entry = tuple[Content, Event | None]


@dataclass(eq=False)
class FeedCard:
    """A task's card (``key`` = its id), the session's (``""``), or a run's result."""

    key: str
    title: str
    status: str = ""
    view: TaskView | None = None
    lines: deque[Entry] = field(default_factory=lambda: deque(maxlen=MAX_LINES))
    dropped: int = 0
    live: tuple[str, int, str] | None = None  # purpose, characters, recent text
    run: int = 0  # the run whose entries the card shows

    @property
    def height(self) -> int:
        """Rows the card takes: header, entries, the live line, a blank spacer."""
        return 2 + len(self.lines) + (self.live is not None)

    @property
    def entry_events(self) -> list[Event]:
        """The events behind the entries, oldest first (each once)."""
        seen: list[Event] = []
        for _, event in self.lines:
            if event is not None and (not seen or seen[-1] is not event):
                seen.append(event)
        return seen

    @property
    def live_chars(self) -> int:
        """Characters streamed so far by the call in flight (0 when none)."""
        return self.live[1] if self.live else 0

    def show(self, view: TaskView) -> None:
        """Follow the task's view (status, tokens, cost, attempts)."""
        self.view = view
        self.status = view.status

    def add(self, entries: list[Entry]) -> None:
        """Append entries; multi-line ones become several lines; the oldest fall off."""
        for content, event in entries:
            for line in content.split("\n"):
                if len(self.lines) == MAX_LINES:
                    self.dropped += 1
                self.lines.append((line, event))

    def clear(self, run: int) -> None:
        """A new run reached this task: the last run's entries go (they stay in the Log)."""
        self.lines.clear()
        self.dropped, self.live, self.run = 0, None, run

    def live_started(self, purpose: str) -> None:
        """An LLM call was sent."""
        self.live = (purpose, 0, "")

    def live_text(self, text: str) -> None:
        """Streamed text arrived for the call in flight."""
        purpose, chars, recent = self.live or ("call", 0, "")
        self.live = (purpose, chars + len(text), (recent + text)[-400:])

    def live_finished(self) -> None:
        """The call ended (its ``llm_call`` entry follows)."""
        self.live = None

    def row(self, index: int) -> tuple[Content, Event | None]:
        """The content of row ``index`` (0 = header) and the event it opens."""
        if index == 0:
            return self.head(), None
        if index <= len(self.lines):
            return self.lines[index - 1]
        if self.live is not None and index == len(self.lines) + 1:
            return live_content(*self.live), None
        return Content(""), None

    def head(self) -> Content:
        """The header line: icon, id, name, status and stats."""
        colour = f"${STATUS_COLOURS[self.status]}" if self.status else "$foreground 50%"
        view = self.view
        if view is None:
            return Content.assemble(("● ", colour), (self.title, "bold"))
        parts: list[tuple[str, str] | str] = [
            (icon(self.status) + " ", colour), (view.task.id, "bold $accent"), " ",
            (view.task.name, "bold"), (f"  {self.status.replace('_', ' ')}", colour),
        ]  # fmt: skip
        stats = []
        if view.attempts > 1:
            stats.append(f"{view.attempts} attempts")
        if view.tokens:
            stats += [f"{tokens(view.tokens)} tok", money(view.cost)]
        if view.duration:
            stats.append(duration(view.duration))
        if self.dropped:
            stats.append(f"{self.dropped} older lines in the Log")
        if stats:
            parts.append(("  · " + " · ".join(stats), "$text-muted"))
        return Content.assemble(*parts)
