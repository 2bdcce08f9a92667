"""``/`` in the Feed: only the cards, and the lines in them, that mention a text.

A card whose header matches (its id, name or status) is shown whole; otherwise it is
shown with just its matching lines, or not at all. The filtered cards are views made
per frame: the Feed's real cards keep every line, so clearing the filter loses nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from sago_tui.tui.widgets.feed_card import MAX_LINES, FeedCard


def matches(card: FeedCard, query: str) -> FeedCard | None:
    """``card`` (or a copy with only its matching lines) when it mentions ``query``."""
    if query in card.head().plain.lower() or query in card.title.lower():
        return card
    lines = [line for line in card.lines if query in line[0].plain.lower()]
    if not lines:
        return None
    return replace(card, lines=deque(lines, maxlen=MAX_LINES), live=None, dropped=0)


def filter_cards(cards: list[FeedCard], query: str) -> list[FeedCard]:
    """The cards to lay out for ``query`` (lower case; "" keeps them all)."""
    if not query:
        return cards
    return [shown for card in cards if (shown := matches(card, query)) is not None]
