"""The Log's cursor and detail view, the help screen and the command palette."""

from __future__ import annotations

import shutil

from textual.widgets import Static

from sago_tui.core.events import FileWritten, LLMCalled, VerifyRan
from sago_tui.core.project import Project
from sago_tui.tui.keymap import ACTIONS
from sago_tui.tui.palette import SagoCommands
from sago_tui.tui.screens.event_detail_screen import EventDetailScreen
from sago_tui.tui.screens.help_screen import HelpScreen
from sago_tui.tui.widgets import event_log
from sago_tui.tui.widgets.event_log import EventLog
from tests.tui.helpers import DATA, SIZE, feed, help_text, loaded, make_app, recorded, wait_for


async def test_log_cursor_and_detail(planned_project: Project) -> None:
    events = recorded("demo_run.jsonl")
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, events)
        await pilot.press("4")
        log = app.query_one(EventLog)
        assert log.count == len(events)
        log.focus()
        await pilot.pause()
        assert log.cursor == log.count - 1  # focus puts the cursor on the newest line
        await pilot.press("home")
        assert log.cursor == 0 and not log.follow
        index = next(i for i, e in enumerate(events) if isinstance(e, LLMCalled))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        texts = [str(s.render()) for s in app.screen.query(".detail-text").results(Static)]
        assert texts[0] == events[index].prompt_preview  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("end")
        assert log.cursor == log.count - 1 and log.follow


async def test_old_events_are_read_back_from_the_trace(
    planned_project: Project, monkeypatch: object
) -> None:
    """Beyond the in-memory window, Enter finds the event in .planning/traces/."""
    monkeypatch.setattr(event_log, "KEEP_EVENTS", 5)  # type: ignore[attr-defined]
    events = recorded("demo_run.jsonl")
    run_id = events[0].run_id  # type: ignore[attr-defined]
    planned_project.traces_dir.mkdir(parents=True)
    shutil.copy(DATA / "demo_run.jsonl", planned_project.traces_dir / f"{run_id}.jsonl")
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, events)
        await pilot.press("4")
        log = app.query_one(EventLog)
        index = next(i for i, e in enumerate(events) if isinstance(e, VerifyRan))
        assert log.event_at(index).event is None  # type: ignore[union-attr]
        log.focus()
        await pilot.press("home", *["down"] * index, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query(".detail-text")) > 0, "the trace lookup")
        texts = [str(s.render()) for s in screen.query(".detail-text").results(Static)]
        assert texts[0] == events[index].command  # type: ignore[attr-defined]


async def test_help_lists_every_key(demo_project: Project) -> None:
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        text = help_text(app)
        for item in ACTIONS:
            assert item.title in text
        await pilot.press("escape")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help again")


async def test_palette_offers_available_commands(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        provider = SagoCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert "Approve all & run" in titles and "Settings" in titles
        assert "Stop" not in titles  # nothing is running
        hits = [hit async for hit in provider.search("settings")]
        assert hits and hits[0].text == "Settings"
        await hits[0].command()  # type: ignore[misc]
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SettingsScreen", "settings")


async def test_feed_cursor_opens_an_entry(planned_project: Project) -> None:
    """The Feed's cursor walks the cards' rows; Enter on a write opens its diff."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, recorded("demo_run.jsonl"))
        await pilot.press("3")
        app.feed.focus()
        await pilot.pause()
        assert app.feed.follow and app.feed.cursor >= 0
        card = app.feed.cards["3.2"]
        writes = [i for i, (_, e) in enumerate(card.lines) if isinstance(e, FileWritten)]
        row = app.feed.start_of("3.2") + 1 + writes[0]
        await pilot.press(*["up"] * (app.feed.cursor - row))
        assert not app.feed.follow
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        titles = app.screen.query(".detail-title").results(Static)
        assert "Diff" in [str(title.render()) for title in titles]
