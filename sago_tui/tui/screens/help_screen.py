"""F1 / ?: every key, grouped, from the same table the bindings are built from."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from sago_tui.tui.formatting import STATUS_COLOURS, STATUS_ICONS
from sago_tui.tui.keymap import ACTIONS, PALETTE_EXTRA

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


def help_rows(*, replay: bool = False) -> dict[str, list[tuple[str, str]]]:
    """(keys, description) by group; a replay lists only the actions it offers."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in (*ACTIONS, *PALETTE_EXTRA):
        if item.replay or not replay:
            keys = item.key_label if item.keys else "palette"
            groups.setdefault(item.group, []).append((keys, f"{item.title} — {item.help}"))
    groups["Everywhere"] = list(OTHER_KEYS)
    return groups


def status_legend() -> Content:
    """Every task status icon in its colour."""
    parts: list[tuple[str, str] | str] = []
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
        # Keys and descriptions in two columns: a long description wraps inside its own
        # column, so a narrow terminal never breaks a row under the keys.
        with VerticalScroll(classes="dialog help", id="help-body"):
            yield Static("sago-tui — keys and commands", classes="dialog-title")
            yield Static(REPLAY_INTRO if self.replay else INTRO, classes="help-intro")
            with Vertical(id="help-text"):
                for group, rows in help_rows(replay=self.replay).items():
                    yield Static(group, classes="help-group", markup=False)
                    for keys, text in rows:
                        with Horizontal(classes="help-row"):
                            yield Static(keys, classes="help-keys", markup=False)
                            yield Static(text, classes="help-desc", markup=False)
                yield Static("Task status", classes="help-group")
                yield Static(status_legend(), classes="help-desc")

    def on_mount(self) -> None:
        """Scroll with the arrow keys straight away."""
        self.query_one(".dialog").border_subtitle = "Esc closes · ↑↓ scroll"
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)
