"""A 100×30 terminal keeps every essential: header totals, Help and Quit, Status, Save."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button, Static
from textual.widgets._footer import FooterKey

from sago_tui.core.project import Project
from sago_tui.tui.app import SagoApp
from sago_tui.tui.screens.help_screen import HelpScreen
from sago_tui.tui.screens.task_edit_screen import TaskEditScreen
from tests.tui.helpers import FakeClock, feed, loaded, make_app, recorded, wait_for

NARROW = (100, 30)


def fully_on_screen(app: SagoApp, widget: Widget) -> bool:
    """The widget's whole region lies inside the terminal."""
    region = widget.region
    width, height = app.size
    return region.width > 0 and region.right <= width and region.bottom <= height


async def test_header_keeps_cost_and_elapsed(planned_project: Project) -> None:
    app = make_app(planned_project)
    clock = app.config.clock
    assert isinstance(clock, FakeClock)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        app.session.begin_job(None)
        feed(app, recorded("demo_run.jsonl"))
        clock.now += 75
        app.header.show(app.session)
        await pilot.pause()
        stats = app.header.query_one("#header-stats", Static)
        progress = app.header.query_one("#header-progress", Static)
        assert fully_on_screen(app, stats) and fully_on_screen(app, progress)
        text = str(stats.render())
        assert "$" in text and "tok" in text and text.rstrip().endswith(tuple("0123456789"))
        assert "5/5" in str(progress.render())
        assert app.header.has_class("-narrow")


async def test_footer_keeps_help_and_quit(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        for tab in "12345":
            await pilot.press(tab)
            await pilot.pause()
            keys = {key.action: key for key in app.query(FooterKey)}
            for action in ("help", "quit"):
                assert action in keys, (tab, sorted(keys))
                assert fully_on_screen(app, keys[action]), (tab, action)


async def test_cost_tab_keeps_the_status_column(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        app.session.begin_job(None)
        feed(app, recorded("demo_run.jsonl"))
        await pilot.press("5")
        await pilot.pause()
        table = app.cost_table.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        status = next(i for i, key in enumerate(table.columns) if key.value == "status")
        assert "passed" in str(table.get_row_at(1)[status])


async def test_help_scrolls_in_two_columns(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        body = app.screen.query_one("#help-body")
        assert fully_on_screen(app, body)
        assert body.max_scroll_y > 0  # more than fits: it scrolls
        keys = app.screen.query(".help-keys").first()
        desc = app.screen.query(".help-desc").first()
        assert desc.region.x >= keys.region.right  # descriptions wrap in their own column


async def test_edit_dialog_save_button_is_visible(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        await pilot.press("2", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskEditScreen), "the edit form")
        await pilot.pause()
        assert fully_on_screen(app, app.screen.query_one("#save", Button))
        assert fully_on_screen(app, app.screen.query_one("#cancel", Button))
