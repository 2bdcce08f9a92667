"""``/`` filters the Log and the Feed; Enter keeps the filter, Escape clears it."""

from __future__ import annotations

from sago_tui.core.events import VerifyRan
from sago_tui.core.project import Project
from sago_tui.tui.messages import EventChosen
from sago_tui.tui.screens.event_detail_screen import EventDetailScreen
from sago_tui.tui.widgets.filter_bar import FilterBar
from sago_tui.tui.widgets.log_filter import LineFilter
from tests.tui.helpers import SIZE, feed, loaded, make_app, recorded, wait_for


def test_line_filter_maps_shown_lines_to_events() -> None:
    lines = LineFilter()
    assert lines.add(["a verify", "b write", "c VERIFY"]) == ["a verify", "b write", "c VERIFY"]
    assert lines.set("verify") == ["a verify", "c VERIFY"]
    assert lines.event_index(1) == 2
    assert lines.add(["d write", "e verify"]) == ["e verify"]  # new lines are filtered too
    assert lines.event_index(2) == 4
    assert lines.set("") == ["a verify", "b write", "c VERIFY", "d write", "e verify"]
    assert lines.event_index(3) == 3


async def test_slash_filters_the_log(planned_project: Project) -> None:
    events = recorded("demo_run_failed.jsonl")
    verifies = [e for e in events if isinstance(e, VerifyRan)]
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, events)
        await pilot.press("4")
        log = app.log_pane.event_log
        log.focus()
        await pilot.pause()
        total = log.line_count
        bar = app.query_one("#log-filter", FilterBar)
        assert not bar.display
        await pilot.press("slash")
        assert bar.display and bar.has_focus
        await pilot.press(*"verify_run")
        assert log.line_count == len(verifies) < total
        assert all("verify_run" in line for line in log.lines)
        await pilot.press("enter")  # back to the log, the filter kept
        assert log.has_focus and bar.display and log.line_count == len(verifies)
        await pilot.press("home", "enter")  # Enter opens the event under the cursor
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        assert app.screen.event is verifies[0]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        # Events arriving while filtered are filtered too.
        feed(app, [verifies[-1], events[1]])
        assert log.line_count == len(verifies) + 1
        log.focus()
        await pilot.press("slash", "escape")  # Escape clears and hides the bar
        assert not bar.display and log.line_count == total + 2 and log.has_focus


async def test_slash_filters_the_feed(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, recorded("demo_run_failed.jsonl"))
        await pilot.press("3")
        app.feed.focus()
        await pilot.pause()
        rows = app.feed._total
        await pilot.press("slash", *"verify failed")
        shown = app.feed._shown
        assert [card.key for card in shown] == ["2.1"]
        assert all("verify failed" in content.plain for content, _ in shown[0].lines)
        assert app.feed._total < rows
        assert len(app.feed.cards["2.1"].lines) > len(shown[0].lines)  # nothing lost
        await pilot.press("enter", "home", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        assert isinstance(app.screen.event, VerifyRan)  # type: ignore[attr-defined]
        await pilot.press("escape")
        app.feed.focus()
        await pilot.press("slash", "escape", "slash")  # cleared, then a new filter
        name = app.session.tasks["1.2"].task.name
        await pilot.press(*name.lower(), "enter")  # a header match shows the whole card
        assert app.feed.cards["1.2"] in app.feed._shown  # the card itself, every line
        assert "2.1" not in [card.key for card in app.feed._shown]
        app.feed.focus()
        await pilot.press("slash", "escape")
        assert app.feed._total == rows and app.feed.has_focus
        app.post_message(EventChosen(recorded("demo_run.jsonl")[0]))  # still opens events
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
