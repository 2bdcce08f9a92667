"""The Feed tab: a card per task (plus one for the session), newest at the bottom.

Events arrive in per-frame batches; each card gets one ``add_entries`` call per frame
and new cards are mounted together, so a burst of events never rebuilds the Feed.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from sago_tui.core.events import (
    Event,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.tui.feed_entries import entry_content
from sago_tui.tui.session import Session
from sago_tui.tui.widgets.entry_list import MAX_LINES, Entry
from sago_tui.tui.widgets.task_card import TaskCard

EMPTY = "Nothing has run yet — press r to start the run (or g to generate the plan first)."
SESSION_KEY = ""


class Feed(VerticalScroll):
    """Cards keyed by task id; ``SESSION_KEY`` holds plan, approval and run-level events."""

    def __init__(self, session: Session) -> None:
        super().__init__(id="feed")
        self.session = session
        self.cards: dict[str, TaskCard] = {}
        self._command = "run"
        self._results = 0

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="feed-empty", classes="empty-state")

    def on_mount(self) -> None:
        """Follow new cards until the user scrolls up."""
        self.anchor()

    def _card(self, key: str, new: list[TaskCard], title: str = "") -> TaskCard:
        card = self.cards.get(key)
        if card is None:
            view = self.session.tasks.get(key)
            title = title or (f"{view.task.id} {view.task.name}" if view else "Session")
            card = TaskCard(key, title)
            self.cards[key] = card
            new.append(card)
        return card

    def add_events(self, events: Iterable[Event]) -> None:
        """File a frame's events into their cards: one ``add_entries`` per card."""
        new: list[TaskCard] = []
        batches: dict[str, list[Event]] = {}

        def flush(key: str) -> None:
            # Only the newest entries can stay on a card: build Content for those alone.
            pending = batches.pop(key, None)
            if pending:
                entries: list[Entry] = []
                for event in pending[-MAX_LINES:]:
                    content = entry_content(event)
                    if content is not None:
                        entries.append((content, event))
                self.cards[key].add_entries(entries)

        for event in events:
            key = event.task_id or SESSION_KEY
            if isinstance(event, WorkflowStarted):
                self._command = event.command
            elif isinstance(event, WorkflowFinished):
                # Each job's outcome gets its own card at the bottom, where the eye is.
                self._results += 1
                key = f"result:{self._results}"
                verb = "finished" if event.success else "failed"
                job = "Planning" if self._command == "plan" else "Run"
                card = self._card(key, new, f"{job} {verb}")
                card.set_status("passed" if event.success else "failed")
            if isinstance(event, LLMDelta):
                self._card(key, new).live_text(event.text)
            elif isinstance(event, LLMRequested):
                self._card(key, new).live_started(event.purpose)
            elif isinstance(event, LLMCalled):
                flush(key)
                self._card(key, new).live_finished()
                batches.setdefault(key, []).append(event)
            elif key in self.cards or entry_content(event) is not None:
                self._card(key, new)
                batches.setdefault(key, []).append(event)
        for key in list(batches):
            flush(key)
        if new:
            self.add_class("-has-cards")
            self.mount_all(new)
        for card in new:
            if card.key in self.session.tasks:
                card.show_task(self.session.tasks[card.key])

    def refresh_cards(self, task_ids: Iterable[str]) -> None:
        """Redraw the headers of the given tasks' cards."""
        for task_id in task_ids:
            card = self.cards.get(task_id)
            view = self.session.tasks.get(task_id)
            if card is not None and view is not None:
                card.show_task(view)
