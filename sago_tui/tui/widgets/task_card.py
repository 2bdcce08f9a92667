"""One Feed card: a task's header (status, cost) and its most recent entries.

Entries live in an :class:`OptionList` (drawn lazily, keyboard-selectable); a card keeps
at most :data:`MAX_ENTRIES` of them and says how many older ones are in the Log.
"""

from __future__ import annotations

from contextlib import suppress

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from sago_tui.tui.feed_entries import FeedEntry, live_content
from sago_tui.tui.formatting import STATUS_COLOURS, duration, icon, money, tokens
from sago_tui.tui.session import TaskView

MAX_ENTRIES = 60
LIVE_ID = "live"


class TaskCard(Vertical):
    """A card for one task (``key`` = its id) or for the session (``key`` = "")."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__(classes="task-card")
        self.key = key
        self.title = title
        self.status = ""
        self.dropped = 0
        self._live: tuple[str, int, str] | None = None  # purpose, chars, recent text
        self._view: TaskView | None = None
        # Built now, not in compose: entries may arrive before the card is mounted.
        self._head_widget = Static(self._head(), classes="card-head")
        self.entries = OptionList(classes="card-entries")

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
        """The ``-<status>`` class of a card that is not a task's (run results)."""
        self.remove_class(f"-{self.status}")
        self.status = status
        self.add_class(f"-{status}")
        self._head_widget.update(self._head())

    def _head(self) -> Content:
        view = self._view
        if view is None:
            colour = f"${STATUS_COLOURS.get(self.status, 'text-muted')}"
            return Content.assemble(("● ", colour), (self.title, "bold"))
        status = view.status
        colour = f"${STATUS_COLOURS.get(status, 'text-muted')}"
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
        if self.dropped:
            stats.append(f"{self.dropped} older entries in the Log")
        if stats:
            parts.append(("  · " + " · ".join(stats), "$text-muted"))
        return Content.assemble(*parts)

    def add_entries(self, entries: list[FeedEntry]) -> None:
        """Append entries (one call per frame), dropping the oldest beyond the cap."""
        if not entries:
            return
        options = self.entries
        live = _remove_live(options)  # new entries go above the in-flight line
        total = options.option_count + len(entries)
        if total > MAX_ENTRIES:
            keep = [options.get_option_at_index(i) for i in range(options.option_count)]
            keep = (keep + list(entries))[-MAX_ENTRIES:]
            self.dropped += total - len(keep)
            options.set_options(keep)
            if self._view is not None:
                self._head_widget.update(self._head())
        else:
            options.add_options(entries)
        if live is not None:
            options.add_option(live)

    @property
    def live_chars(self) -> int:
        """Characters streamed so far by the call in flight (0 when none)."""
        return self._live[1] if self._live else 0

    def live_started(self, purpose: str) -> None:
        """An LLM call was sent: show an in-flight line."""
        self.live_finished()
        self._live = (purpose, 0, "")
        self.add_entries([FeedEntry(live_content(purpose, 0, ""), None, id=LIVE_ID)])

    def live_text(self, text: str) -> None:
        """Streamed text arrived for the in-flight call."""
        if self._live is None:
            self.live_started("call")
        assert self._live is not None
        purpose, chars, recent = self._live
        chars, recent = chars + len(text), (recent + text)[-400:]
        self._live = (purpose, chars, recent)
        with suppress(OptionDoesNotExist):
            self.entries.replace_option_prompt(LIVE_ID, live_content(purpose, chars, recent))

    def live_finished(self) -> None:
        """The in-flight call ended (its LLMCalled entry replaces the line)."""
        if self._live is not None:
            self._live = None
            _remove_live(self.entries)


def _remove_live(options: OptionList) -> FeedEntry | None:
    """Take the in-flight line out of ``options``; returns it (None if there is none)."""
    try:
        entry = options.get_option(LIVE_ID)
    except OptionDoesNotExist:
        return None
    options.remove_option(LIVE_ID)
    return entry if isinstance(entry, FeedEntry) else None
