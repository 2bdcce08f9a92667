"""``/`` in the Log or the Feed: a one-line filter under the list, as in less or lazygit.

The bar sits next to the list it filters (its sibling in the same pane) and is hidden
until ``/``. Typing filters as you go (case-insensitive, plain text); Enter goes back
to the list keeping the filter; Escape clears it and goes back.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input


class Filterable(Protocol):
    """A list that can show only the lines containing a text."""

    def set_filter(self, query: str) -> int:
        """Show only lines containing ``query`` ("" shows all); returns how many match."""
        ...


class FilterBar(Input):
    """The filter input of one list (``target``)."""

    DEFAULT_CSS = """
    FilterBar { display: none; height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar.-open { display: block; }
    FilterBar:focus { background: $accent 20%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter"),
    ]

    def __init__(self, target: Widget, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: type to narrow the list · Enter keeps · Esc clears",
                         compact=True, id=id)  # fmt: skip
        self.target = target
        self.matches = 0

    @property
    def query_text(self) -> str:
        """The filter in force ("" when none)."""
        return self.value.strip()

    def open(self) -> None:
        """Show the bar and type into it."""
        self.add_class("-open")
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        event.stop()
        self._apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: back to the list, the filter kept (the bar stays visible as a reminder)."""
        event.stop()
        if not self.query_text:
            self.remove_class("-open")
        self.target.focus()

    def action_clear_filter(self) -> None:
        """Escape: show everything again and go back to the list."""
        self.value = ""
        self._apply()
        self.remove_class("-open")
        self.target.focus()

    def _apply(self) -> None:
        target: Filterable = self.target  # type: ignore[assignment]
        self.matches = target.set_filter(self.query_text)


def open_filter(widget: Widget) -> None:
    """``/`` on a list: open the filter bar beside it (its sibling), if it has one."""
    parent = widget.parent
    if parent is not None:
        for bar in parent.query_children(FilterBar):
            if bar.target is widget:
                bar.open()
