"""Ask for a piece of text: plan feedback (several lines) or a one-line description."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from sago_tui.tui.screens.field_error import FieldError
from sago_tui.tui.screens.form_screen import FormScreen


class TextPromptScreen(FormScreen[str]):
    """Dismisses with the text (stripped, never empty) or None when cancelled."""

    FIRST_FIELD = "#prompt-text"

    def __init__(
        self,
        title: str,
        help_text: str,
        *,
        submit_label: str = "Submit",
        multiline: bool = True,
        initial: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.submit_label = submit_label
        self.multiline = multiline
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.help_text, classes="dialog-text", markup=False)
            if self.multiline:
                yield TextArea(self.initial, id="prompt-text", soft_wrap=True)
            else:
                yield Input(self.initial, id="prompt-text", compact=True)
            yield FieldError(id="prompt-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.submit_label, id="submit", variant="primary")
                yield Button("Cancel", id="cancel")

    @property
    def subtitle(self) -> str:
        """The keys: ctrl+s sends several lines, Enter one."""
        return "ctrl+s sends · Esc cancels" if self.multiline else "Enter sends · Esc cancels"

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
