"""Under a flood of events, a frame takes a small slice while input waits."""

from __future__ import annotations

from textual import events

from sago_tui.core.events import TaskStarted
from sago_tui.core.project import Project
from sago_tui.tui.app import FRAME_EVENTS, INPUT_FIRST_EVENTS
from tests.tui.helpers import SIZE, loaded, make_app


async def test_a_waiting_key_shrinks_the_frame(planned_project: Project) -> None:
    app = make_app(planned_project, drain_interval=3600)  # frames only when the test says
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for n in range(3 * FRAME_EVENTS):
            app.bridge(TaskStarted(task_id=f"9.{n}", task_name="flood"))
        app.drain()  # nothing waiting: a full frame
        assert len(app.bridge) == 2 * FRAME_EVENTS
        app.post_message(events.Key("down", None))  # queued, not yet handled
        assert app.message_queue_size
        app.drain()
        assert len(app.bridge) == 2 * FRAME_EVENTS - INPUT_FIRST_EVENTS
        await pilot.pause()
        assert not app.message_queue_size  # the key was handled
