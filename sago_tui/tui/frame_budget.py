"""How much of the event backlog one frame applies: input is served first.

The app applies buffered engine events ~30 times a second. Each batch redraws the
visible widgets, and a key press queued behind it waits for that redraw. So while input
waits in the app's queue, a frame applies nothing (at most :data:`MAX_HELD_FRAMES` in a
row, so the screen never stalls), then a small slice, until the queue is empty again.
"""

from __future__ import annotations

MAX_HELD_FRAMES = 2
"""Frames in a row that may skip their events while input waits."""
INPUT_FIRST_EVENTS = 200
"""A frame's events while input still waits after the held frames."""


class FrameBudget:
    """Decides each frame's event limit; one per app, used on the UI thread only."""

    def __init__(self) -> None:
        self._held = 0

    def limit(self, full: int, input_waiting: bool) -> int:
        """Events the next frame may apply: ``full``, 0 (held) or a small slice."""
        if not input_waiting:
            self._held = 0
            return full
        if self._held < MAX_HELD_FRAMES:
            self._held += 1
            return 0
        return min(full, INPUT_FIRST_EVENTS)
