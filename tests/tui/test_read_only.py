"""The app on a project another process is writing: it only views it, and says why."""

from __future__ import annotations

from sago_tui.core.project import Project
from tests.tui.helpers import SIZE, loaded, make_app

HOLDER = "another sago-tui run (pid 4242, started 2026-01-15 09:30:00) is using this project"


async def test_read_only_app_offers_no_job_and_shows_the_holder(planned_project: Project) -> None:
    app = make_app(planned_project, read_only=HOLDER)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert HOLDER in str(app.status_line.render())
        for action in ("start_run", "generate_plan", "approve_plan", "draft_spec"):
            assert app.check_action(action, ()) is False, action
        await pilot.press("r")  # the run key does nothing
        await pilot.pause()
        assert not app.engine.busy


async def test_writable_app_offers_the_run(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.check_action("start_run", ()) is True
