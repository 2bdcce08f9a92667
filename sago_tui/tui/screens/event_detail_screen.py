"""The full detail of one event: prompt and response, a diff, verify output, or its data.

Events older than the Log's in-memory window are read back from the run's trace file
(by run id, type and span id) in the background: from the project's traces directory,
or from the one trace file a replay was opened on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from sago_tui.core.events import Event, FileRead, FileWritten, LLMCalled, VerifyRan, from_record
from sago_tui.core.trace import read_trace
from sago_tui.tui.diff_render import parse_diff, unified
from sago_tui.tui.editor_launch import EditorRequested
from sago_tui.tui.formatting import summary
from sago_tui.tui.highlight import answer, code
from sago_tui.tui.widgets.diff_view import DiffView

Locator = tuple[str, str, str]


def find_event(source: Path, locator: Locator) -> Event | None:
    """The event with (run id, event type, span id), or None.

    ``source`` is a traces directory (the run's file is ``<run id>.jsonl`` in it) or a
    single trace file (a replay's: every line is of that run).
    """
    run_id, event_type, span_id = locator
    if source.is_file():
        path = source
    else:
        path = source / f"{run_id}.jsonl"
        if not run_id or not path.is_file():
            return None
    for record in read_trace(path):
        if record.get("span_id") == span_id and record.get("event_type") == event_type:
            return from_record(record)
    return None


def diff_content(diff: str) -> Content:
    """A unified diff with added, removed and hunk lines coloured (no syntax colour)."""
    return unified(parse_diff(diff, colour=False), colour=False)


def _shown(text: str, empty: str, colour: bool, render: Callable[[str], Content]) -> Content | str:
    if not text:
        return empty
    return render(text) if colour else text


def sections(event: Event, *, colour: bool = False) -> list[tuple[str, Content | str | Widget]]:
    """(title, body) pairs describing ``event`` in full; ``colour`` adds syntax colour."""
    match event:
        case LLMCalled():
            # Prompts carry files in fences too: coloured the same way as answers.
            prompt = _shown(event.prompt_preview, "(not recorded)", colour, answer)
            response = _shown(event.response_preview, "(empty)", colour, answer)
            return [("Prompt", prompt), ("Response", response)]
        case FileWritten():
            if event.diff:
                return [("Diff", DiffView(event.diff, event.path, colour=colour,
                                          classes="detail-text"))]  # fmt: skip
            return [("Content", _shown(event.content_preview, "(empty)", colour,
                                       lambda text: code(text, event.path)))]  # fmt: skip
        case FileRead():
            return [("Content", _shown(event.content_preview, "(empty)", colour,
                                       lambda text: code(text, event.path)))]  # fmt: skip
        case VerifyRan():
            return [("Command", event.command), ("stdout", event.stdout or "(empty)"),
                    ("stderr", event.stderr or "(empty)")]  # fmt: skip
    data = json.dumps(event.data(), indent=2, ensure_ascii=False, default=str)
    return [("Data", data)]


class EventDetailScreen(ModalScreen[None]):
    """Shows ``event``, or loads it from the trace by ``locator`` first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("v", "toggle_side_by_side", "Side by side"),
        Binding("o", "open_file", "Open in $EDITOR"),
    ]

    def __init__(
        self, event: Event | None, locator: Locator | None = None, source: Path | None = None
    ) -> None:
        super().__init__(classes="modal")
        self.event = event
        self.locator = locator
        self.source = source  # a traces directory or one trace file (see find_event)
        self.shown: Event | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog detail", id="detail-body"):
            yield Static("Reading the event from the trace…", id="detail-head")

    def on_mount(self) -> None:
        """Show the event, or fetch it from disk without blocking the UI."""
        self.query_one(".dialog").border_subtitle = "Esc closes · ↑↓ scroll"
        self._hints()
        self.query_one("#detail-body").focus()
        if self.event is not None:
            self._show(self.event)
        else:
            self.run_worker(self._load(), exclusive=True)

    async def _load(self) -> None:
        event = None
        if self.locator is not None and self.source is not None:
            event = await asyncio.to_thread(find_event, self.source, self.locator)
        if event is None:
            self.query_one("#detail-head", Static).update(
                "This event is no longer in memory and was not found in the trace files."
            )
        else:
            self._show(event)

    def _show(self, event: Event) -> None:
        when = event.timestamp.replace("T", " ")[:19]
        head = Content.assemble(
            (event.event_type, "bold $accent"), "  ", (event.agent, "$text-muted"),
            (f"  task {event.task_id}" if event.task_id else "", "bold"),
            (f"  {when} UTC", "$text-muted"), "\n", summary(event),
        )  # fmt: skip
        self.query_one("#detail-head", Static).update(head)
        body = self.query_one("#detail-body", VerticalScroll)
        widgets: list[Widget] = []
        colour = bool(getattr(getattr(self.app, "config", None), "syntax_highlight", False))
        for title, text in sections(event, colour=colour):
            widgets.append(Static(title, classes="detail-title", markup=False))
            if isinstance(text, Widget):
                widgets.append(text)
            else:
                widgets.append(Static(text, classes="detail-text", markup=False))
        body.mount_all(widgets)
        self.shown = event
        self._hints()
        self.refresh_bindings()

    def _hints(self) -> None:
        keys = ["Esc closes", "↑↓ scroll"]
        if self.check_action("toggle_side_by_side", ()):
            keys.append("v side by side")
        if self.check_action("open_file", ()):
            keys.append("o opens in $EDITOR")
        self.query_one(".dialog").border_subtitle = " · ".join(keys)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``v`` only for a diff; ``o`` only for a file the event read or wrote."""
        if action == "toggle_side_by_side":
            return bool(self.query(DiffView))
        if action == "open_file":
            return isinstance(self.shown, FileWritten | FileRead)
        return True

    def action_toggle_side_by_side(self) -> None:
        """``v``: the diff unified, or old and new side by side."""
        for view in self.query(DiffView):
            view.side_by_side = not view.side_by_side

    def action_open_file(self) -> None:
        """``o``: open the file in $EDITOR (the app suspends until the editor exits)."""
        if isinstance(self.shown, FileWritten | FileRead):
            self.post_message(EditorRequested(self.shown.path))

    def action_close(self) -> None:
        """Back to where the event was opened."""
        self.dismiss(None)
