"""A file write's diff in the event detail: unified, or side by side (``v`` toggles)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from sago_tui.tui.diff_render import ParsedDiff, parse_diff, side_by_side, unified


class DiffView(Static):
    """Draws a parsed diff at the widget's width; ``side_by_side`` switches the layout."""

    side_by_side: reactive[bool] = reactive(False)

    def __init__(self, diff: str, path: str | None, *, colour: bool, classes: str = "") -> None:
        super().__init__("", classes=classes, markup=False)
        self.colour = colour
        self.parsed: ParsedDiff = parse_diff(diff, path, colour=colour)
        self._unified = unified(self.parsed, colour=colour)

    def render(self) -> Content:
        """The unified view, or the two sides laid out for the current width."""
        if self.side_by_side:
            return side_by_side(self.parsed, self.content_region.width or self.size.width)
        return self._unified

    def watch_side_by_side(self) -> None:
        self.refresh(layout=True)
