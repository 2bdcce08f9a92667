"""The Log tab's widget: every event in order, with a cursor line.

Built on Textual's :class:`Log`, which renders only the visible lines. Each event
becomes one cheap plain line; colours are applied by a highlighter when a line is drawn.
:class:`Log` has no selection, so this subclass adds a cursor (up/down/page/home/end)
and Enter opens the event under it. Full events are kept for the most recent
:data:`KEEP_EVENTS` lines; older ones are read back from the run's trace file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Log

from sago_tui.core.events import Event, FileRead, FileWritten, LLMDelta
from sago_tui.tui.editor_launch import EditorRequested
from sago_tui.tui.formatting import log_line
from sago_tui.tui.messages import EventChosen
from sago_tui.tui.widgets.filter_bar import open_filter
from sago_tui.tui.widgets.log_filter import LineFilter
from sago_tui.tui.widgets.scrolling import grow_virtual_size

KEEP_EVENTS = 5_000
"""Lines whose full event stays in memory; the rest are found in the trace on disk."""
ERRORS = ("error", "budget_stop", "file_refused")
WARNINGS = ("warning", "task_skip", "fix_attempt")
TYPE_COLUMN = slice(27, 40)  # matches formatting.log_line's layout


class _LogHighlighter(Highlighter):
    """Colours the columns of a log line with the widget's component styles."""

    def __init__(self, log: EventLog) -> None:
        self.log = log

    def highlight(self, text: Text) -> None:
        log = self.log

        def style(name: str) -> Style:
            return log.get_component_rich_style(name, partial=True)

        text.stylize(style("event-log--time"), 0, 8)
        text.stylize(style("event-log--agent"), 10, 26)
        kind = text.plain[TYPE_COLUMN].strip()
        if kind in ERRORS or (" failed" in text.plain[40:] and kind in ("task_end", "verify_run")):
            text.stylize(style("event-log--error"), TYPE_COLUMN.start, len(text))
        elif kind in WARNINGS:
            text.stylize(style("event-log--warning"), TYPE_COLUMN.start, len(text))
        elif kind in ("task_end", "workflow_end", "plan_approval", "plan_generated"):
            text.stylize(style("event-log--success"), TYPE_COLUMN.start, TYPE_COLUMN.stop)
        else:
            text.stylize(style("event-log--type"), TYPE_COLUMN.start, TYPE_COLUMN.stop)


class EventLog(Log):
    """A :class:`Log` of events with a cursor; Enter posts :class:`EventChosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last (follow)", show=False),
        Binding("enter", "open", "Open event"),
        Binding("slash", "filter", "Filter", show=False),  # wiring: filter_bar
        Binding("o", "open_file", "Open in $EDITOR", show=False),  # wiring: editor_launch
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-log--cursor",
        "event-log--time",
        "event-log--agent",
        "event-log--type",
        "event-log--error",
        "event-log--warning",
        "event-log--success",
    }
    cursor: reactive[int] = reactive(-1, init=False)

    def __init__(self) -> None:
        super().__init__(highlight=True, auto_scroll=True, id="event-log")
        self.highlighter = _LogHighlighter(self)
        self.follow = True
        self._run_id = ""
        self._locators: list[tuple[str, str, str]] = []
        self._recent: dict[int, Event] = {}
        self._recent_order: deque[int] = deque()
        self.lines_filter = LineFilter()  # `/`: the lines shown, and their events

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        """Skip Log's width measuring: it starts a thread worker per write (30 a second
        under load), and this log never scrolls sideways (overflow-x is hidden)."""

    @property
    def count(self) -> int:
        """Number of event lines."""
        return len(self._locators)

    def add_events(self, batch: Iterable[Event]) -> None:
        """Append one line per event (live-only chunks are left to the Feed)."""
        lines: list[str] = []
        for event in batch:
            if isinstance(event, LLMDelta):
                continue
            run_id = getattr(event, "run_id", "")
            if run_id:
                self._run_id = run_id
            index = len(self._locators)
            self._locators.append((self._run_id, event.event_type, event.span_id))
            self._recent[index] = event
            self._recent_order.append(index)
            if len(self._recent_order) > KEEP_EVENTS:
                self._recent.pop(self._recent_order.popleft(), None)
            lines.append(log_line(event))
        shown = self.lines_filter.add(lines)
        if not shown:
            return
        self._append(shown)
        if self.follow and self.cursor >= 0:
            self.cursor = self.line_count - 1

    def clear_events(self) -> None:
        """Drop every line (wiring for past runs: another one is about to be shown)."""
        self.clear()
        self._locators.clear()
        self._recent.clear()
        self._recent_order.clear()
        self._run_id, self.follow, self.auto_scroll = "", True, True
        self.lines_filter.clear()
        self.cursor = -1

    def set_filter(self, query: str) -> int:
        """Show only the lines containing ``query`` ("" shows all); returns how many."""
        self._lines[:] = self.lines_filter.set(query)
        self._render_line_cache.clear()
        grow_virtual_size(self, Size(self.scrollable_content_region.width, len(self._lines)))
        self.follow = self.auto_scroll = True
        self.cursor = len(self._lines) - 1
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()
        return len(self._lines)

    def action_open_file(self) -> None:
        """``o``: open the file the event under the cursor read or wrote in $EDITOR."""
        message = self.event_at(self.cursor)
        if message is not None and isinstance(message.event, FileWritten | FileRead):
            self.post_message(EditorRequested(message.event.path))

    def action_filter(self) -> None:
        """``/``: type a filter in the bar under the log."""
        open_filter(self)

    def _append(self, lines: list[str]) -> None:
        """:meth:`Log.write_lines` for single-line entries, minus its screen re-layout."""
        start = len(self._lines)
        self._lines.extend(lines)
        grow_virtual_size(self, Size(self.scrollable_content_region.width, len(self._lines)))
        self.refresh_lines(start, len(lines))
        if self.follow and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def event_at(self, index: int) -> EventChosen | None:
        """The message that opens line ``index`` (from memory, or a trace locator)."""
        if not 0 <= index < self.line_count:
            return None
        index = self.lines_filter.event_index(index)
        event = self._recent.get(index)
        return EventChosen(event, None if event else self._locators[index])

    # -- cursor ---------------------------------------------------------------------------
    def on_focus(self) -> None:
        """Show the cursor (on the newest line) when the log gets focus."""
        if self.cursor < 0 and self.line_count:
            self.cursor = self.line_count - 1

    def watch_cursor(self, old: int, new: int) -> None:
        for line in (old, new):
            if 0 <= line < self.line_count:
                self.refresh_lines(line)
        if new >= 0:
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            if new < top:
                self.scroll_to(y=new, animate=False, immediate=True)
            elif height and new >= top + height:
                self.scroll_to(y=new - height + 1, animate=False, immediate=True)

    def _move(self, target: int) -> None:
        if not self.line_count:
            return
        self.cursor = max(0, min(self.line_count - 1, target))
        self.follow = self.cursor == self.line_count - 1
        self.auto_scroll = self.follow

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` lines."""
        self._move((self.cursor if self.cursor >= 0 else self.line_count - 1) + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a page."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.action_cursor(direction * page)

    def action_first(self) -> None:
        """First line."""
        self._move(0)

    def action_last(self) -> None:
        """Last line; new events are followed again."""
        self._move(self.line_count - 1)

    def action_open(self) -> None:
        """Open the event under the cursor."""
        message = self.event_at(self.cursor)
        if message is not None:
            self.post_message(message)

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a click on the cursor line opens it."""
        line = round(self.scroll_y) + event.y
        if line == self.cursor:
            self.action_open()
        else:
            self._move(line)

    def render_line(self, y: int) -> Strip:
        """Draw the line, highlighted when it is under the cursor."""
        strip = super().render_line(y)
        if round(self.scroll_y) + y == self.cursor:
            style = self.get_component_rich_style("event-log--cursor")
            strip = Strip(Segment.apply_style(iter(strip), post_style=style), strip.cell_length)
        return strip
