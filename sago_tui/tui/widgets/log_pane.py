"""The Log tab: column titles above the event log, or a hint while it is empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from sago_tui.tui.formatting import LOG_HEADER
from sago_tui.tui.widgets.event_log import EventLog
from sago_tui.tui.widgets.filter_bar import FilterBar

EMPTY = "No events yet. Every event of a plan or run is listed here; Enter opens one."


class LogPane(Vertical):
    """Header, :class:`EventLog` and an empty-state hint (shown until the first event)."""

    def __init__(self) -> None:
        super().__init__(id="log-pane")
        self.event_log = EventLog()

    def compose(self) -> ComposeResult:
        hint = "(times in UTC · ↑↓ move · Enter open · End follow · / filter)"
        yield Static(f"{LOG_HEADER}   {hint}", id="log-header", markup=False)
        yield Static(EMPTY, id="log-empty", classes="empty-state")
        yield self.event_log
        yield FilterBar(self.event_log, id="log-filter")

    def note_events(self) -> None:
        """Hide the hint once the log has lines."""
        if not self.has_class("-has-events") and self.event_log.count:
            self.add_class("-has-events")
