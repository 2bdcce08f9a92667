"""A Feed card's entries: one line each, with a cursor; Enter opens the entry's event.

Cheap under load by design: its height is its line count (no text measuring, lines
never wrap), adding entries is a list append, and at most :data:`MAX_LINES` are kept.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.widget import Widget

from sago_tui.core.events import Event
from sago_tui.tui.messages import EventChosen

MAX_LINES = 60
Entry = tuple[Content, Event | None]


class EntryList(Widget, can_focus=True):
    """Lines of :class:`Content`, each remembering the event it came from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("enter", "open", "Open entry"),
    ]
    cursor: reactive[int] = reactive(0)

    def __init__(self) -> None:
        super().__init__(classes="card-entries")
        self._lines: list[Entry] = []
        self._live: Content | None = None
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def entry_events(self) -> list[Event]:
        """The events behind the entries, oldest first (each once)."""
        seen: list[Event] = []
        for _, event in self._lines:
            if event is not None and (not seen or seen[-1] is not event):
                seen.append(event)
        return seen

    def add(self, entries: list[Entry]) -> None:
        """Append entries (multi-line ones become several lines), keeping the newest."""
        for content, event in entries:
            self._lines.extend((line, event) for line in content.split("\n"))
        overflow = len(self._lines) - MAX_LINES
        if overflow > 0:
            del self._lines[:overflow]
            self.dropped += overflow
            self.cursor = max(0, self.cursor - overflow)
        self.refresh(layout=True)

    def set_live(self, content: Content | None) -> None:
        """Show (or clear) the in-flight line below the entries."""
        relayout = (content is None) != (self._live is None)
        self._live = content
        self.refresh(layout=relayout)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per line: nothing is measured."""
        return len(self._lines) + (self._live is not None)

    def render(self) -> Content:
        """The lines; the cursor line is highlighted while the list has focus."""
        lines = [content for content, _ in self._lines]
        if self.has_focus and 0 <= self.cursor < len(lines):
            line = lines[self.cursor]
            width = max(self.size.width, line.cell_length)
            lines[self.cursor] = line.extend_right(width - line.cell_length).stylize(
                "on $accent 30%"
            )
        if self._live is not None:
            lines.append(self._live)
        return Content("\n").join(lines)

    def watch_cursor(self) -> None:
        self.refresh()
        if self.has_focus:
            self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """Keep the cursor line visible in the scrolling Feed (card → Feed coordinates)."""
        card = self.parent
        feed = card.parent if card is not None else None
        if isinstance(card, Widget) and isinstance(feed, Widget):
            y = card.virtual_region.y + self.virtual_region.y + self.cursor
            feed.scroll_to_region(Region(0, y, 1, 1), animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()
        self._scroll_to_cursor()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        """Move the cursor; past either end, focus moves to the neighbouring card."""
        target = self.cursor + delta
        if target < 0:
            self.screen.focus_previous()
        elif target >= len(self._lines):
            self.screen.focus_next()
        else:
            self.cursor = target

    def action_open(self) -> None:
        """Open the event under the cursor."""
        if 0 <= self.cursor < len(self._lines):
            event = self._lines[self.cursor][1]
            if event is not None:
                self.post_message(EventChosen(event))

    def on_click(self, event: Click) -> None:
        """Click selects a line; a click on the selected line opens it."""
        line = event.y
        if 0 <= line < len(self._lines):
            if line == self.cursor and self.has_focus:
                self.action_open()
            self.cursor = line
