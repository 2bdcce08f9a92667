"""The base of the app's forms: settings, task edit, text prompt and init.

One behaviour for all of them: Escape cancels (dismissing with None), ctrl+s submits,
Enter in a one-line field submits, the first field has focus, the dialog's subtitle
names the keys, and the cursor does not blink when nobody watches (``app.is_headless``:
tests and snapshots get stable frames without an argument threaded through every screen).
A long form scrolls its fields between a fixed title and fixed buttons, so Save never
falls below the fold of a short terminal.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button, Input, TextArea

ResultT = TypeVar("ResultT")


class FormScreen(ModalScreen[ResultT | None]):
    """Subclasses compose the dialog (``.dialog``) and define ``action_submit``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Submit", priority=True, id="form.submit"),
    ]
    FIRST_FIELD: ClassVar[str] = ""
    """Selector of the widget focused when the form opens."""
    SUBMIT_BUTTONS: ClassVar[frozenset[str]] = frozenset({"submit", "save", "create"})
    """Button ids that submit; every other button cancels."""
    ENTER_SUBMITS: ClassVar[bool] = True
    """Enter in a one-line field submits (long forms say no: Enter there is a slip)."""

    def __init__(self) -> None:
        super().__init__(classes="modal")

    @property
    def subtitle(self) -> str:
        """The keys, shown on the dialog's bottom border."""
        return "ctrl+s saves · Esc cancels"

    def on_mount(self) -> None:
        """Keys on the border, steady cursors when headless, the first field focused."""
        blink = not self.app.is_headless
        for widget in self.query(Input):
            widget.cursor_blink = blink
        for area in self.query(TextArea):
            area.cursor_blink = blink
        self.query_one(".dialog").border_subtitle = self.subtitle
        if self.FIRST_FIELD:
            self.query_one(self.FIRST_FIELD).focus()

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line field submits the form."""
        event.stop()
        if self.ENTER_SUBMITS:
            await self.run_action("submit")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        """A submit button submits; any other button cancels."""
        event.stop()
        await self.run_action("submit" if event.button.id in self.SUBMIT_BUTTONS else "cancel")
