"""Growing a scroll view's content without re-laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget


def grow_virtual_size(widget: Widget, size: Size) -> None:
    """Set ``widget.virtual_size`` without the screen-wide layout its reactive triggers.

    The widget's own box never changes when its content grows (it is sized by CSS), so
    only its scrollbars need updating. Under 10,000 events a second the Feed and the
    Log grow every frame, and a full re-layout each time would cost most of the frame.
    """
    if size != widget.virtual_size:
        widget.set_reactive(Widget.virtual_size, size)
        widget._scroll_update(size)  # scrollbars only; pinned Textual (8.2.8) API
        widget.refresh()
