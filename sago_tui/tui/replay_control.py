"""Replaying a trace through the app's live path: load it, then deliver its events.

:class:`ReplayController` stands in for the :class:`ProjectController`: its "project" is
the trace. It prepares the trace in a thread (:func:`~sago_tui.tui.replay_model.prepare`),
shows the plan the trace implies, then hands the events to the app's
:class:`~sago_tui.tui.bridge.EventBridge` (where the engine's bus puts live events), at
most two frames ahead of the drain, or paced by their timestamps. The header's clock is
the trace's (:class:`TraceClock`, moved by :class:`ReplayDispatcher`), so elapsed time
and duration are the run's own.
"""

from __future__ import annotations

import asyncio

from sago_tui.core.events import Event
from sago_tui.core.task_status import TaskStatus
from sago_tui.export.model import INTERRUPTED, PASSED, parse_time
from sago_tui.tui.app import SagoApp
from sago_tui.tui.dispatch import Dispatcher
from sago_tui.tui.project_control import ProjectController
from sago_tui.tui.replay_model import Replay, ReplayModel, prepare
from sago_tui.tui.ui_state import Phase

PACE_SECONDS = 4.0
"""A paced replay (``trace --demo``) takes at most this long, however long the run was."""
NO_TASKS = "This trace has no tasks (a plan or init job): its events are in the Feed and Log."
HINT = "read-only · Enter opens a Feed or Log row in full"


class TraceClock:
    """The session's clock in a replay: the time of the newest event applied."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ReplayDispatcher(Dispatcher):
    """The live dispatcher, which first moves the trace clock to the frame's last event."""

    def __init__(self, app: SagoApp, clock: TraceClock) -> None:
        super().__init__(app)
        self.clock = clock

    def __call__(self, events: list[Event]) -> None:
        for event in reversed(events):
            if (moment := parse_time(event.timestamp)) is not None:
                self.clock.now = max(self.clock.now, moment)
                break
        super().__call__(events)


class ReplayController(ProjectController):
    """Loads the trace instead of a project, then delivers its events."""

    def __init__(self, app: SagoApp, replay: Replay, clock: TraceClock) -> None:
        super().__init__(app.session, app.engine, app)
        self.app = app  # a replay drives the bridge and the clock: the whole app, not AppUI
        self.replay, self.clock = replay, clock
        self.model: ReplayModel | None = None
        self.finished = False

    def reload(self) -> None:
        """Start the replay (once: a replay has no files to re-read)."""
        if not self.loaded_once:
            self.loaded_once = True
            self.app.run_worker(self._play(), name="replay", group="replay")

    def plan_changed(self) -> None:
        """Show the trace's tasks; no estimate is made (the trace has what was spent)."""
        app = self.app
        if app.session.plan is None:
            app.plan_pane.show_empty(NO_TASKS)
        else:
            app.plan_pane.show_plan()
            app.call_after_refresh(lambda: app.task_detail.show(app.plan_tree.selected_task_id))
        app.cost_table.show_plan()

    async def _play(self) -> None:
        app = self.app
        app.tabs.hide_tab("spec")
        app.say(f"Reading {len(self.replay.records):,} events of {self.replay.title}…")
        self.model = await asyncio.to_thread(prepare, self.replay.records)
        self._begin(self.model)
        await self._deliver(self.model)
        self._finish(self.model)

    def _begin(self, model: ReplayModel) -> None:
        """The plan and totals before the first event, as when a live run starts."""
        app, session = self.app, self.app.session
        self.clock.now = model.start
        session.set_plan(model.plan, [])
        session.begin_job(None)
        app.phase = Phase.REPLAYING
        app.cost_table.max_cost = model.max_cost
        app.cost_table.note = "A replay shows what was spent; estimates are not recomputed."
        app.cost_table.no_budget = "no budget"
        self.plan_changed()
        app.feed.focus()  # ↑↓ and Enter work on the Feed at once
        app.say(f"Replaying {self.replay.title} — {HINT}")

    async def _deliver(self, model: ReplayModel) -> None:
        """Hand every event to the bridge: at most two frames ahead of the drain, or paced."""
        bridge, total, frame = self.app.bridge, len(model.records), self.app.frame_events
        interval = self.app.config.drain_interval
        offsets = model.offsets(PACE_SECONDS) if self.replay.pace else None
        loop = asyncio.get_running_loop()
        began, index = loop.time(), 0
        while index < total:
            if offsets is None:
                while len(bridge) > frame:  # at most two frames queued
                    await asyncio.sleep(interval / 2)
                end = min(total, index + frame)
            else:
                if (wait := began + offsets[index] - loop.time()) > 0:
                    await asyncio.sleep(wait)
                now, end = loop.time() - began, index + 1
                while end < total and end - index < frame and offsets[end] <= now:
                    end += 1
            for position in range(index, end):
                bridge(model.event(position))
            index = end
            await asyncio.sleep(0)
        while len(bridge):  # the last frames are drained (and drawn) by the app
            await asyncio.sleep(interval)

    def _finish(self, model: ReplayModel) -> None:
        """The run's outcome; tasks a killed run left running show as not run."""
        app, session, run = self.app, self.app.session, model.run
        if run.interrupted:
            stuck = {t for t, view in session.tasks.items() if view.live == "running"}
            for task_id in stuck:
                session.tasks[task_id].live = TaskStatus.NOT_RUN
                session.tasks[task_id].error = "the trace ends before this task did"
            app.feed.refresh_cards(stuck)
            app.plan_tree.refresh_tasks(stuck)
            app.cost_table.update_tasks(stuck)
        if run.interrupted or run.outcome == INTERRUPTED:
            app.phase, outcome = Phase.STOPPED, "interrupted"
        else:
            app.phase = Phase.PASSED if run.outcome == PASSED else Phase.FAILED
            outcome = run.outcome
        self.finished = True
        app.say(f"Replay of {self.replay.title}: {outcome} — {HINT}")
