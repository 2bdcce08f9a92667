"""F1 / ?: every key, grouped, from the same table the bindings are built from."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from sago_tui.tui.formatting import STATUS_COLOURS, STATUS_ICONS
from sago_tui.tui.keymap import ACTIONS, PALETTE_EXTRA, KeyAction

INTRO = (
    "Write the spec, generate a plan, review and approve it, then run: every task is one "
    "LLM call that writes its files and a verify command that proves them."
)
REPLAY_INTRO = (
    "A recorded run, replayed read-only: its Feed cards, Log rows, plan and costs as they "
    "were. Nothing here changes a project or calls an LLM."
)
OTHER_KEYS = (
    ("Tab / Shift+Tab", "Move between panes and fields"),
    ("↑ ↓ Enter", "Tree, Feed and Log: move; Enter opens an event's detail"),
    ("/", "Feed and Log: filter the rows (Enter keeps the filter, Esc clears it)"),
    ("o", "Feed or Log row, event detail: open the file read or written in $EDITOR"),
    ("v", "Detail of a file write: the diff unified or side by side"),
    ("Ctrl+P", "Command palette: every action by name"),
    ("Esc", "Close a dialog"),
)


def _row(keys: str, text: str) -> Content:
    return Content.assemble((f"  {keys:<14}", "bold $accent"), text, "\n")


def help_content(*, replay: bool = False) -> Content:
    """The help text: keys by group, other keys, the status icons.

    A replay lists only the actions it offers (the keymap's ``replay`` ones).
    """
    intro = REPLAY_INTRO if replay else INTRO
    parts: list[Content | tuple[str, str] | str] = [(intro, "$text-muted"), "\n"]
    groups: dict[str, list[KeyAction]] = {}
    for item in (*ACTIONS, *PALETTE_EXTRA):
        if item.replay or not replay:
            groups.setdefault(item.group, []).append(item)
    for group, items in groups.items():
        parts += ["\n", (group, "bold $text-primary"), "\n"]
        for item in items:
            keys = item.key_label if item.keys else "palette"
            parts.append(_row(keys, f"{item.title} — {item.help}"))
    parts += ["\n", ("Everywhere", "bold $text-primary"), "\n"]
    parts += [_row(keys, text) for keys, text in OTHER_KEYS]
    parts += ["\n", ("Task status", "bold $text-primary"), "\n  "]
    for status, mark in STATUS_ICONS.items():
        parts += [(mark, f"${STATUS_COLOURS[status]}"), f" {status.replace('_', ' ')}   "]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """The keyboard map; Escape, q, F1 or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close"),
    ]

    def __init__(self, *, replay: bool = False) -> None:
        super().__init__()
        self.replay = replay

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="help-body"):
            yield Static("sago-tui — keys and commands", classes="dialog-title")
            yield Static(help_content(replay=self.replay), id="help-text")

    def on_mount(self) -> None:
        """Scroll with the arrow keys straight away."""
        self.query_one(".dialog").border_subtitle = "Esc closes · ↑↓ scroll"
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)
