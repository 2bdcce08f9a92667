"""A small modal question with a few buttons; dismisses with the chosen button's id."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

Choice = tuple[str, str, str]
"""(id, label, variant) of a button; variant is a Button variant such as ``error``."""


class ConfirmScreen(ModalScreen[str | None]):
    """Ask ``question``; Escape answers None. ``default`` is the focused button."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, title: str, question: str, choices: list[Choice], default: str) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.question = question
        self.choices = choices
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.question, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for choice_id, label, variant in self.choices:
                    yield Button(label, id=choice_id, variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Focus the default answer, so Enter picks it."""
        self.query_one(".dialog").border_subtitle = "Enter chooses · Esc cancels"
        self.query_one(f"#{self.default}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button's id."""
        event.stop()
        self.dismiss(event.button.id)

    def action_dismiss_none(self) -> None:
        """Escape: no answer."""
        self.dismiss(None)
