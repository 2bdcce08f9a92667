"""Ask for a piece of text: plan feedback (several lines) or a one-line description."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from sago_tui.tui.screens.field_error import FieldError


class TextPromptScreen(ModalScreen[str | None]):
    """Dismisses with the text (stripped, never empty) or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit", priority=True),
    ]

    def __init__(
        self,
        title: str,
        help_text: str,
        *,
        submit_label: str = "Submit",
        multiline: bool = True,
        initial: str = "",
        blink: bool = True,
    ) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.help_text = help_text
        self.submit_label = submit_label
        self.multiline = multiline
        self.initial = initial
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.help_text, classes="dialog-text", markup=False)
            if self.multiline:
                area = TextArea(self.initial, id="prompt-text", soft_wrap=True)
                area.cursor_blink = self.blink
                yield area
            else:
                field = Input(self.initial, id="prompt-text", compact=True)
                field.cursor_blink = self.blink
                yield field
            yield FieldError(id="prompt-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.submit_label, id="submit", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Start typing straight away."""
        self.query_one(".dialog").border_subtitle = (
            "ctrl+s sends · Esc cancels" if self.multiline else "Enter sends · Esc cancels"
        )
        self.query_one("#prompt-text").focus()

    def _text(self) -> str:
        widget = self.query_one("#prompt-text")
        if isinstance(widget, TextArea):
            return widget.text.strip()
        return widget.value.strip() if isinstance(widget, Input) else ""

    def action_submit(self) -> None:
        """Submit the text (refused while empty)."""
        text = self._text()
        if not text:
            self.query_one("#prompt-error", FieldError).show("Type something first (Esc cancels).")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the one-line field submits."""
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Submit or Cancel."""
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_cancel()
