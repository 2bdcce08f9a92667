"""One Feed card: a task's header (status, cost) and its most recent entries."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from sago_tui.tui.feed_entries import live_content
from sago_tui.tui.formatting import STATUS_COLOURS, duration, icon, money, tokens
from sago_tui.tui.session import TaskView
from sago_tui.tui.widgets.entry_list import Entry, EntryList


class TaskCard(Vertical):
    """A card for one task (``key`` = its id), the session, or a run's result."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__(classes="task-card")
        self.key = key
        self.title = title
        self.status = ""
        self._live: tuple[str, int, str] | None = None  # purpose, chars, recent text
        self._view: TaskView | None = None
        # Built now, not in compose: entries may arrive before the card is mounted.
        self._head_widget = Static(self._head(), classes="card-head")
        self.entries = EntryList()

    def compose(self) -> ComposeResult:
        yield self._head_widget
        yield self.entries

    def show_task(self, view: TaskView) -> None:
        """Redraw the header from the task's view; the ``-<status>`` class colours the card."""
        self._view = view
        if view.status != self.status:
            self.set_status(view.status)
        else:
            self._head_widget.update(self._head())

    def set_status(self, status: str) -> None:
        """Set the ``-<status>`` class (and redraw the header)."""
        self.remove_class(f"-{self.status}")
        self.status = status
        self.add_class(f"-{status}")
        self._head_widget.update(self._head())

    def _head(self) -> Content:
        view = self._view
        colour = f"${STATUS_COLOURS.get(self.status, 'text-muted')}"
        if view is None:
            return Content.assemble(("● ", colour), (self.title, "bold"))
        status = view.status
        parts: list[tuple[str, str] | str] = [
            (icon(status) + " ", colour),
            (view.task.id, "bold $accent"),
            " ",
            (view.task.name, "bold"),
            (f"  {status.replace('_', ' ')}", colour),
        ]
        stats = []
        if view.attempts > 1:
            stats.append(f"{view.attempts} attempts")
        if view.tokens:
            stats += [f"{tokens(view.tokens)} tok", money(view.cost)]
        if view.duration:
            stats.append(duration(view.duration))
        if self.entries.dropped:
            stats.append(f"{self.entries.dropped} older lines in the Log")
        if stats:
            parts.append(("  · " + " · ".join(stats), "$text-muted"))
        return Content.assemble(*parts)

    def add_entries(self, entries: list[Entry]) -> None:
        """Append one frame's entries (the list keeps the newest)."""
        if entries:
            dropped = self.entries.dropped
            self.entries.add(entries)
            if self.entries.dropped != dropped and self._view is not None:
                self._head_widget.update(self._head())

    @property
    def live_chars(self) -> int:
        """Characters streamed so far by the call in flight (0 when none)."""
        return self._live[1] if self._live else 0

    def live_started(self, purpose: str) -> None:
        """An LLM call was sent: show an in-flight line."""
        self._live = (purpose, 0, "")
        self.entries.set_live(live_content(purpose, 0, ""))

    def live_text(self, text: str) -> None:
        """Streamed text arrived for the in-flight call."""
        purpose, chars, recent = self._live or ("call", 0, "")
        chars, recent = chars + len(text), (recent + text)[-400:]
        self._live = (purpose, chars, recent)
        self.entries.set_live(live_content(purpose, chars, recent))

    def live_finished(self) -> None:
        """The in-flight call ended (its LLMCalled entry takes the line's place)."""
        if self._live is not None:
            self._live = None
            self.entries.set_live(None)
