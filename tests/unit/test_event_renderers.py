"""Every event type is handled by each of the four renderers (Log, Feed, headless, detail).

A new event type fails here until each renderer says how it shows it, or this file says
why one does not: the front ends cannot silently drift apart.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from sago_tui.core.events import EVENT_TYPES, Event
from sago_tui.headless import VERBOSE, HeadlessPrinter
from sago_tui.tui.feed_entries import entry_content
from sago_tui.tui.formatting import summary
from sago_tui.tui.screens.event_detail_screen import sections

FEED_SILENT = {
    "llm_request": "shown as the card's live line, not an entry",
    "llm_delta": "streamed into the live line",
}
HEADLESS_SILENT = {
    "workflow_end": "the run's summary block follows instead",
    "file_read": "one line per read is noise in CI logs",
    "llm_request": "the finished llm_call has the numbers",
    "llm_delta": "streamed text is never printed",
    "requirements": "the run's summary prints requirement progress and the boxes it ticked",
    "error": "said once: on the task's ✗ line, or by the result line and stderr",
    "budget_stop": "the task's 'not run: budget reached …' line says it, with the amounts",
}


def sample(kind: str) -> Event:
    return EVENT_TYPES[kind]()


@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_every_renderer_handles_the_event(kind: str) -> None:
    event = sample(kind)
    assert summary(event) != kind, "the Log shows only the bare type"
    if kind not in FEED_SILENT:
        assert entry_content(event) is not None, "the Feed drops it"
    if kind not in HEADLESS_SILENT:
        assert HeadlessPrinter(Console(), VERBOSE).lines(event), "headless prints nothing"
    assert sections(event), "the detail screen is empty"


def test_the_silent_lists_name_real_event_types() -> None:
    assert set(FEED_SILENT) <= set(EVENT_TYPES)
    assert set(HEADLESS_SILENT) <= set(EVENT_TYPES)
