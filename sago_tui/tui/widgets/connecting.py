"""A spinner saying "connecting to the model…" until an answer's first text arrives.

The first LLM call of a job can wait seconds before its first token (the client loads,
the provider queues the request). Instead of an empty view under "Generating PLAN.md…"
this line turns until the watched stream has text, then hides itself.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widgets import Static

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
TEXT = "connecting to the model…"


class ConnectingSpinner(Static):
    """Shown by :meth:`start`; hides when ``has_text()`` turns true (checked each frame)."""

    DEFAULT_CSS = """
    ConnectingSpinner { height: 1; padding: 0 1; color: $text-muted; display: none; }
    ConnectingSpinner.-active { display: block; }
    """

    def __init__(self, has_text: Callable[[], bool], *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.has_text = has_text
        self.frame = 0
        self._timer: Timer | None = None

    @property
    def active(self) -> bool:
        """True while the spinner is shown."""
        return self.has_class("-active")

    def start(self) -> None:
        """Show the spinner (again) for a new answer."""
        self.frame = 0
        self.add_class("-active")
        self._paint()
        if self._timer is None:
            # Headless (tests, snapshots): one still frame, so screenshots are stable.
            if not self.app.is_headless:
                self._timer = self.set_interval(0.1, self._tick)
            else:
                self._timer = self.set_interval(0.1, self._check)

    def stop(self) -> None:
        """Hide the spinner."""
        self.remove_class("-active")
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _check(self) -> None:
        if self.has_text():
            self.stop()

    def _tick(self) -> None:
        self._check()
        if self.active:
            self.frame = (self.frame + 1) % len(FRAMES)
            self._paint()

    def _paint(self) -> None:
        self.update(f"{FRAMES[self.frame]} {TEXT}")
