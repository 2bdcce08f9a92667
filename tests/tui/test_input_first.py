"""Under a flood of events, frames hold back while input waits, so keys go first."""

from __future__ import annotations

from textual import events

from sago_tui.core.events import TaskStarted
from sago_tui.core.project import Project
from sago_tui.tui.app import FRAME_EVENTS
from sago_tui.tui.frame_budget import INPUT_FIRST_EVENTS, MAX_HELD_FRAMES, FrameBudget
from tests.tui.helpers import SIZE, loaded, make_app


def test_budget_holds_a_few_frames_then_takes_slices() -> None:
    budget = FrameBudget()
    assert budget.limit(2000, input_waiting=False) == 2000
    held = [budget.limit(2000, input_waiting=True) for _ in range(MAX_HELD_FRAMES)]
    assert held == [0] * MAX_HELD_FRAMES
    assert budget.limit(2000, input_waiting=True) == INPUT_FIRST_EVENTS  # never stalls
    assert budget.limit(2000, input_waiting=True) == INPUT_FIRST_EVENTS
    assert budget.limit(2000, input_waiting=False) == 2000
    assert budget.limit(2000, input_waiting=True) == 0  # held again after input was served
    assert budget.limit(50, input_waiting=False) == 50


async def test_a_waiting_key_is_served_before_the_backlog(planned_project: Project) -> None:
    app = make_app(planned_project, drain_interval=3600)  # frames only when the test says
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for n in range(3 * FRAME_EVENTS):
            app.bridge(TaskStarted(task_id=f"9.{n}", task_name="flood"))
        app.drain_frame()  # nothing waiting: a full frame
        assert len(app.bridge) == 2 * FRAME_EVENTS
        app.post_message(events.Key("down", None))  # queued, not yet handled
        assert app.message_queue_size
        for _ in range(MAX_HELD_FRAMES):
            app.drain_frame()
        assert len(app.bridge) == 2 * FRAME_EVENTS  # held while the key waits
        app.drain_frame()
        assert len(app.bridge) == 2 * FRAME_EVENTS - INPUT_FIRST_EVENTS
        app.drain()  # an explicit drain (a job's last events) is never held
        assert len(app.bridge) == FRAME_EVENTS - INPUT_FIRST_EVENTS
        await pilot.pause()
        assert not app.message_queue_size  # the key was handled
        app.drain_frame()
        assert len(app.bridge) == 0
