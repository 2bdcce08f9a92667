"""Opened on a folder that is not a project yet: offer to create the spec files.

An optional one-line description lets the LLM draft PROJECT.md and REQUIREMENTS.md.
Dismisses with ``(name, description)`` or None (the user declined; the app quits).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sago_tui.tui.screens.field_error import FieldError
from sago_tui.tui.screens.form_screen import FormScreen


class InitScreen(FormScreen[tuple[str, str]]):
    """Project name and optional description; Enter creates, Escape declines."""

    FIRST_FIELD = "#init-prompt"  # the description: the name usually fits already

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder

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

    @property
    def subtitle(self) -> str:
        """Declining quits the app."""
        return "Enter creates · Esc quits"

    def action_submit(self) -> None:
        """Create the project (the name must not be empty)."""
        name = self.query_one("#init-name", Input).value.strip()
        if not name:
            self.query_one("#init-error", FieldError).show("The project needs a name.")
            return
        self.dismiss((name, self.query_one("#init-prompt", Input).value.strip()))
