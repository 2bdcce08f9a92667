"""The error line under a form field: hidden while empty, so forms stay compact."""

from __future__ import annotations

from textual.widgets import Static


class FieldError(Static):
    """A one-line (or wrapped) error message; shown only while it has text."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id, classes="field-error", markup=False)
        self.display = False

    def show(self, text: str) -> None:
        """Show ``text`` (an empty string hides the line)."""
        self.update(text)
        self.display = bool(text)
