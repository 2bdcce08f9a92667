"""The line above the footer: what to do next, or what just went wrong."""

from __future__ import annotations

from textual.widgets import Static

LEVELS = ("hint", "info", "success", "warning", "error")


class StatusLine(Static):
    """A one-line message whose ``-<level>`` class sets its colour."""

    def __init__(self) -> None:
        super().__init__("", id="status-line", markup=False)
        self.level = "hint"
        self.add_class("-hint")

    def say(self, text: str, level: str = "hint") -> None:
        """Show ``text`` (plain, never markup: engine messages may hold brackets)."""
        if level not in LEVELS:
            level = "info"
        self.remove_class(f"-{self.level}")
        self.level = level
        self.add_class(f"-{level}")
        self.update(text, layout=False)  # always one line: never re-lays out the screen
