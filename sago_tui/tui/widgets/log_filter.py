"""Which of the Log's lines a filter shows, and which event each shown line is.

The Log keeps every event's plain line in :attr:`LineFilter.texts`; with a filter in
force only the matching ones are displayed, and :attr:`LineFilter.shown` maps a
displayed line back to its event's index (for the cursor and Enter). Plain string
work: filtering 100,000 lines takes a few milliseconds.
"""

from __future__ import annotations


class LineFilter:
    """All lines, the query, and the displayed subset (None: every line)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.query = ""
        self.shown: list[int] | None = None

    def clear(self) -> None:
        """Forget every line (the filter stays)."""
        self.texts.clear()
        if self.shown is not None:
            self.shown = []

    def set(self, query: str) -> list[str]:
        """Filter by ``query`` (case-insensitive; "" for none); returns the lines to display."""
        self.query = query.lower()
        if not self.query:
            self.shown = None
            return list(self.texts)
        self.shown = [i for i, text in enumerate(self.texts) if self.query in text.lower()]
        return [self.texts[i] for i in self.shown]

    def add(self, lines: list[str]) -> list[str]:
        """Record new lines; returns those to display (all of them when not filtering)."""
        start = len(self.texts)
        self.texts.extend(lines)
        if self.shown is None:
            return lines
        shown = [start + i for i, text in enumerate(lines) if self.query in text.lower()]
        self.shown.extend(shown)
        return [self.texts[i] for i in shown]

    def event_index(self, line: int) -> int:
        """The event behind displayed line ``line``."""
        return line if self.shown is None else self.shown[line]
