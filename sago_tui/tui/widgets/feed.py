"""The Feed tab: a card per task (plus the session's and each run's result), newest last.

One :class:`ScrollView` draws every card (:class:`FeedCard`, plain data) and renders
only the rows on screen, so hundreds of tasks and 10,000 events a second cost one
widget and a few dozen rows per frame. A cursor (↑↓, PgUp/PgDn, Home/End) picks a row;
Enter opens its event in full. New rows are followed until the cursor moves up.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from sago_tui.core.events import (
    Event,
    FileRead,
    FileWritten,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.tui.editor_launch import EditorRequested
from sago_tui.tui.feed_entries import entry_content
from sago_tui.tui.feed_filter import filter_cards
from sago_tui.tui.formatting import STATUS_COLOURS
from sago_tui.tui.messages import EventChosen
from sago_tui.tui.task_views import RUN_COMMANDS, Session
from sago_tui.tui.widgets.feed_card import MAX_LINES, Entry, FeedCard
from sago_tui.tui.widgets.filter_bar import open_filter
from sago_tui.tui.widgets.scrolling import grow_virtual_size

EMPTY = "Nothing has run yet — press r to start the run (or g to generate the plan first)."
SESSION_KEY = ""


class Feed(ScrollView, can_focus=True):
    """Cards keyed by task id; ``SESSION_KEY`` holds plan, approval and run-level events."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last (follow)", show=False),
        Binding("enter", "open", "Open entry"),
        Binding("o", "open_file", "Open in $EDITOR", show=False),  # wiring: editor_launch
        Binding("slash", "filter", "Filter", show=False),  # wiring: filter_bar
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"feed--failed", "feed--cursor", "feed--empty"}
    cursor: reactive[int] = reactive(-1, init=False)

    def __init__(self, session: Session) -> None:
        super().__init__(id="feed")
        self.session = session
        self.cards: dict[str, FeedCard] = {}
        self._order: list[FeedCard] = []
        self._starts: list[int] = []
        self._total = 0
        self.follow = True
        self._command = "run"
        self._results = 0
        self._run = 0  # counts the runs (workflow_start of a run): cards show their own run
        self._query = ""  # `/` filter (wiring: feed_filter); the cards laid out:
        self._shown: list[FeedCard] = self._order

    # -- building cards -------------------------------------------------------------------
    def _card(self, key: str, title: str = "") -> FeedCard:
        card = self.cards.get(key)
        if card is None:
            view = self.session.tasks.get(key)
            # A task the plan no longer has (a past run's) is named by its id.
            title = title or (f"{view.task.id} {view.task.name}" if view else key or "Session")
            card = self.cards[key] = FeedCard(key, title, run=self._run)
            if view is not None:
                card.show(view)
            self._order.append(card)
        elif card.view is not None and card.run != self._run:
            card.clear(self._run)  # no "not run" lines of the last run in this run's card
        return card

    def add_events(self, events: Iterable[Event]) -> None:
        """File a frame's events into their cards, then redraw once."""
        batches: dict[str, list[Event]] = {}
        streamed: dict[str, list[str]] = {}

        def flush(key: str) -> None:
            if text := streamed.pop(key, None):
                self.cards[key].live_text("".join(text))
            # Only the newest entries can stay on a card: build Content for those alone.
            pending = batches.pop(key, None)
            if pending:
                entries: list[Entry] = []
                for event in pending[-MAX_LINES:]:
                    if (content := entry_content(event)) is not None:
                        entries.append((content, event))
                self.cards[key].add(entries)

        for event in events:
            key = event.task_id or SESSION_KEY
            if isinstance(event, WorkflowStarted):
                self._command = event.command
                if event.command in RUN_COMMANDS:
                    self._run += 1
            elif isinstance(event, WorkflowFinished):
                # Each job's outcome gets its own card at the bottom, where the eye is.
                self._results += 1
                key = f"result:{self._results}"
                job = "Planning" if self._command == "plan" else "Run"
                card = self._card(key, f"{job} {'finished' if event.success else 'failed'}")
                card.status = "passed" if event.success else "failed"
                for other in self._order:  # a stopped call never answers: drop its line
                    other.live_finished()
            if isinstance(event, LLMDelta):
                self._card(key)
                streamed.setdefault(key, []).append(event.text)  # one update per frame
            elif isinstance(event, LLMRequested | LLMCalled):
                flush(key)
                card = self._card(key)
                if isinstance(event, LLMRequested):
                    card.live_started(event.purpose)
                else:
                    card.live_finished()
                    batches[key] = [event]
            elif key in self.cards or entry_content(event) is not None:
                card = self._card(key)
                if isinstance(event, TaskFinished | TaskSkipped | TaskStarted):
                    streamed.pop(key, None)
                    card.live_finished()  # the task's call in flight (if any) is over
                batches.setdefault(key, []).append(event)
        for key in {*batches, *streamed}:
            flush(key)
        self._relayout()

    # -- wiring for past runs (tui/history.py) ---------------------------------------------
    def add_note(self, key: str, title: str, status: str = "") -> None:
        """A card with only a title (it marks what follows, e.g. a past run)."""
        self._card(key, title).status = status if status in STATUS_COLOURS else ""
        self._relayout()

    def clear(self) -> None:
        """Drop every card (another past run is about to be shown)."""
        self.cards.clear()
        self._order.clear()
        self._results, self.follow = 0, True
        self.cursor = -1
        self._relayout()

    def refresh_cards(self, task_ids: Iterable[str]) -> None:
        """Task views changed (status, cost): redraw."""
        for task_id in task_ids:
            card, view = self.cards.get(task_id), self.session.tasks.get(task_id)
            if card is not None and view is not None:
                card.show(view)
        if self._query:  # filtered views copy their card's status: rebuild them
            self._relayout()
        self.refresh()

    def set_filter(self, query: str) -> int:
        """Show only cards and lines mentioning ``query`` ("" shows all); returns the cards."""
        self._query = query.lower()
        self.follow, self.cursor = True, -1
        self._relayout()
        return len(self._shown)

    def action_filter(self) -> None:
        """``/``: type a filter in the bar under the Feed."""
        open_filter(self)

    def _relayout(self) -> None:
        starts, total = [], 0
        self._shown = filter_cards(self._order, self._query)
        for card in self._shown:
            starts.append(total)
            total += card.height
        self._starts, self._total = starts, total
        grow_virtual_size(self, Size(self.scrollable_content_region.width, total))
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            if self.cursor >= 0 or self.has_focus:  # focused while empty: the cursor follows
                self.cursor = max(0, total - 2)
        self.refresh()

    def start_of(self, key: str) -> int:
        """The row of a card's header."""
        return self._starts[self._shown.index(self.cards[key])]

    def locate(self, index: int) -> tuple[FeedCard, int] | None:
        """The card and row of line ``index`` (None past the end)."""
        if not 0 <= index < self._total:
            return None
        at = bisect_right(self._starts, index) - 1
        return self._shown[at], index - self._starts[at]

    # -- drawing ----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """Draw one visible row: a coloured bar, then the header, an entry or the live line."""
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.visual_style
        located = self.locate(index)
        if located is None:
            if not self._order and y == 1:
                hint = Content(EMPTY).stylize(self.get_visual_style("feed--empty", partial=True))
                # Indented by hand: Content.center pads each side by the full width.
                hint = Content.assemble(" " * max(0, (width - hint.cell_length) // 2), hint)
                return Visual.to_strips(self, hint, width, 1, base, pad=True)[0]
            return Strip.blank(width, base.rich_style)
        card, row = located
        if row == card.height - 1:
            return Strip.blank(width, base.rich_style)
        content, _ = card.row(row)
        colour = f"${STATUS_COLOURS[card.status]}" if card.status else "$foreground 30%"
        line = Content.assemble(("▌", colour), " " if row else "", content)
        if card.status == "failed":
            base = base + self.get_visual_style("feed--failed", partial=True)
        if index == self.cursor:  # folded into the base: Visual.to_strips ignores post_style
            base = base + self.get_visual_style("feed--cursor", partial=True)
        strips = Visual.to_strips(self, line, width, 1, base, pad=True)
        return strips[0] if strips else Strip.blank(width, base.rich_style)

    def on_resize(self) -> None:
        """New width (or shown for the first time): keep following the newest rows."""
        grow_virtual_size(self, Size(self.scrollable_content_region.width, self._total))
        if self.follow:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def on_show(self) -> None:
        """The tab became visible: rows added while hidden are followed too."""
        self.on_resize()

    # -- cursor -------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        if new >= 0:
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            if new < top:
                self.scroll_to(y=new, animate=False, immediate=True)
            elif height and new >= top + height:
                self.scroll_to(y=new - height + 1, animate=False, immediate=True)

    def on_focus(self) -> None:
        """Show the cursor (on the newest row) when the Feed gets focus."""
        if self.cursor < 0 and self._total:
            self.cursor = max(0, self._total - 2)

    def on_blur(self) -> None:
        self.refresh()

    def _move(self, target: int) -> None:
        if self._total:
            self.cursor = max(0, min(self._total - 2, target))
            self.follow = self.cursor >= self._total - 2

    def action_move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self._move((self.cursor if self.cursor >= 0 else self._total - 2) + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a page."""
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        """The first row."""
        self._move(0)

    def action_last(self) -> None:
        """The newest row; new rows are followed again."""
        self._move(self._total)

    def action_open(self) -> None:
        """Open the event of the row under the cursor."""
        located = self.locate(self.cursor)
        if located is not None:
            event = located[0].row(located[1])[1]
            if event is not None:
                self.post_message(EventChosen(event))

    def action_open_file(self) -> None:
        """Open the file the row under the cursor read or wrote in $EDITOR."""
        located = self.locate(self.cursor)
        event = located[0].row(located[1])[1] if located is not None else None
        if isinstance(event, FileWritten | FileRead):
            self.post_message(EditorRequested(event.path))

    def on_click(self, event: Click) -> None:
        """A click moves the cursor; a click on the cursor's row opens it."""
        index = round(self.scroll_y) + event.y
        if index == self.cursor:
            self.action_open()
        else:
            self._move(index)
