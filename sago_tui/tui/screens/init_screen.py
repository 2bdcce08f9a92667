"""Opened on a folder that is not a project yet: offer to create the spec files.

An optional one-line description lets the LLM draft PROJECT.md and REQUIREMENTS.md.
Dismisses with ``(name, description)`` or None (the user declined; the app quits).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from sago_tui.tui.screens.field_error import FieldError


class InitScreen(ModalScreen[tuple[str, str] | None]):
    """Project name and optional description; Enter creates, Escape declines."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "decline", "Quit")]

    def __init__(self, folder: str, *, blink: bool = True) -> None:
        super().__init__(classes="modal")
        self.folder = folder
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog init"):
            yield Static("Start a sago-tui project here?", classes="dialog-title")
            yield Static(
                f"{self.folder} has no PROJECT.md or REQUIREMENTS.md yet. sago-tui can write "
                "the spec templates (PROJECT.md, REQUIREMENTS.md, IMPORTANT.md, STATE.md, "
                "sago.toml) for you to fill in.",
                classes="dialog-text",
                markup=False,
            )
            yield Label("Project name")
            yield Input(self.folder, compact=True, id="init-name")
            yield Label("One-line description — the LLM drafts the spec from it (optional)")
            yield Input(
                placeholder="e.g. a CLI that counts words in text files",
                compact=True,
                id="init-prompt",
            )
            yield FieldError(id="init-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create project", id="create", variant="primary")
                yield Button("Quit", id="decline")

    def on_mount(self) -> None:
        """Focus the description: the name usually fits already."""
        for widget in self.query(Input):
            widget.cursor_blink = self.blink
        self.query_one(".dialog").border_subtitle = "Enter creates · Esc quits"
        self.query_one("#init-prompt", Input).focus()

    def action_create(self) -> None:
        """Create the project (the name must not be empty)."""
        name = self.query_one("#init-name", Input).value.strip()
        if not name:
            self.query_one("#init-error", FieldError).show("The project needs a name.")
            return
        self.dismiss((name, self.query_one("#init-prompt", Input).value.strip()))

    def action_decline(self) -> None:
        """Leave the folder alone."""
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in either field creates the project."""
        event.stop()
        self.action_create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Create or Quit."""
        event.stop()
        if event.button.id == "create":
            self.action_create()
        else:
            self.action_decline()
