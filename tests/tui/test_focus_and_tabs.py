"""Focus and tabs by keyboard alone: no pane traps focus, each tab focuses its main widget."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets._tabbed_content import ContentTabs

from sago_tui.core.project import Project
from sago_tui.tui.app import SagoApp
from sago_tui.tui.messages import ReviewKeyPressed
from tests.tui.helpers import SIZE, feed, loaded, make_app, recorded, wait_for

TABS = ("spec", "plan", "feed", "log", "cost")
KEYS = {"spec": "1", "plan": "2", "feed": "3", "log": "4", "cost": "5"}


def inside(widget: Widget | None, ancestor: Widget) -> bool:
    """True when ``widget`` is ``ancestor`` or one of its descendants."""
    return widget is not None and (widget is ancestor or ancestor in widget.ancestors)


async def ran_app(pilot: Pilot[Any]) -> SagoApp:
    """The app after a whole recorded run: every tab has something to focus."""
    app = pilot.app
    assert isinstance(app, SagoApp)
    await loaded(pilot)
    app.session.begin_job(None)
    feed(app, recorded("demo_run.jsonl"))
    await pilot.pause()
    return app


async def settle_on(pilot: Pilot[Any], app: SagoApp, tab: str) -> None:
    """A few frames for focus messages (and any tab bounce) to play out, then check."""
    for _ in range(3):
        await pilot.pause()
    assert app.tabs.active == tab
    assert inside(app.focused, app.main_widget(tab) or app.tabs), (tab, app.focused)


@pytest.mark.parametrize("start", TABS)
async def test_number_keys_leave_every_pane(planned_project: Project, start: str) -> None:
    """From each tab's focused widget, 1–5 reach every other tab and focus stays there."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await ran_app(pilot)
        for target in TABS:
            await pilot.press(KEYS[start])
            await settle_on(pilot, app, start)
            await pilot.press(KEYS[target])
            await settle_on(pilot, app, target)


async def test_plan_tree_focus_does_not_trap_next_tab_or_palette(planned_project: Project) -> None:
    """The reported trap: tree focused, then 3 / Ctrl+PgDn / the palette's Feed tab."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await ran_app(pilot)
        app.plan_tree.focus()
        await pilot.pause()
        await pilot.press("ctrl+pagedown")
        await settle_on(pilot, app, "feed")
        await pilot.press("ctrl+pageup")
        await settle_on(pilot, app, "plan")
        assert app.focused is app.plan_tree
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Feed tab")
        await wait_for(pilot, lambda: app.screen.query(CommandList).first().option_count > 0,
                       "the palette's hits")  # fmt: skip
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the choice")
        await settle_on(pilot, app, "feed")
        await pilot.press("shift+tab")  # Tab and Shift+Tab move on from there
        await pilot.pause()
        assert app.tabs.active == "feed"


async def test_arrows_act_at_once_on_each_tab(planned_project: Project) -> None:
    """The tree, Feed and Log take ↑↓ as soon as their tab is shown (no Tab first)."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await ran_app(pilot)
        await pilot.press("2")
        first = app.plan_tree.cursor_line
        await pilot.press("down")
        assert app.plan_tree.cursor_line == first + 1
        await pilot.press("4")
        log = app.log_pane.event_log
        await pilot.press("up")
        assert log.cursor == log.count - 2
        await pilot.press("3")
        before = app.feed.cursor
        await pilot.press("up")
        assert app.feed.cursor == before - 1


async def test_review_keys_live_on_the_plan_pane(planned_project: Project) -> None:
    """a posts ReviewKeyPressed from the Plan tab; elsewhere the key is not bound."""
    app = make_app(planned_project)
    posted: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        original = app.plan_pane.post_message

        def record(message: Any) -> bool:
            if isinstance(message, ReviewKeyPressed):
                posted.append(message.action)
            return original(message)

        app.plan_pane.post_message = record  # type: ignore[method-assign]
        await pilot.press("2", "a", "s")
        assert posted == ["approved", "skipped"]
        await pilot.press("3", "a")
        assert posted == ["approved", "skipped"]
        assert app.session.tasks["1.1"].mark == "approved"


async def test_log_gets_focus_when_its_first_rows_arrive(planned_project: Project) -> None:
    """Shown while empty, the Log's tab bar holds focus; the first events hand it over."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.focused, ContentTabs)
        feed(app, recorded("demo_run.jsonl")[:5])
        await wait_for(pilot, lambda: app.focused is app.log_pane.event_log, "the Log's focus")


async def test_a_user_keymap_rebinds_by_binding_id(planned_project: Project) -> None:
    """Every binding has an id (``sago.<action>``), so ``App.set_keymap`` can move it."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.set_keymap({"sago.show_tab.feed": "f3", "sago.approve_task": "y"})
        await pilot.press("f3")
        await settle_on(pilot, app, "feed")
        await pilot.press("2", "y")
        assert app.session.tasks["1.1"].mark == "approved"


async def test_palette_runs_review_commands_on_the_plan_pane(planned_project: Project) -> None:
    """The palette's "Approve" acts like a on the Plan tab (its action lives on the pane)."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Approve the selected")
        await wait_for(pilot, lambda: app.screen.query(CommandList).first().option_count > 0,
                       "the palette's hits")  # fmt: skip
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.tasks["1.1"].mark == "approved", "the mark")
        assert app.session.tasks["1.2"].mark is None  # one task, not "Approve all & run"
        assert not app.engine.busy
        await settle_on(pilot, app, "plan")
