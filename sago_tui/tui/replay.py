"""``sago-tui trace``: a recorded run replayed, read-only, in the app's own widgets.

Nothing here draws anything. The trace's records become typed events
(:func:`~sago_tui.core.events.from_record`) and go into the app's
:class:`~sago_tui.tui.bridge.EventBridge`, exactly where the engine's bus puts live
events; the app drains them ~30 times a second into the same :class:`Dispatcher`,
session, Feed cards, Log rows, plan tree and cost table as a live run. What differs:

* the "project" is loaded from the trace (:class:`ReplayController`): the tasks it
  mentions become the plan tree (:mod:`~sago_tui.tui.replay_model`), no file is read;
* the header's clock is the trace's (:class:`TraceClock`), so elapsed time and duration
  are the run's own, not the wall clock's;
* read-only: the keymap's ``replay`` flag decides what the footer, help and palette
  offer (no run, approval, generation, settings or spec editing; the Spec tab is hidden);
* delivery is bounded (one frame's worth ahead of the drain), so a 50,000-event trace
  paints at once and fills in over about a second; ``pace`` instead spreads the events
  over a few seconds by their timestamps, like a live run (``trace --demo``).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual.widgets import TabbedContent

from sago_tui.core.errors import UsageError
from sago_tui.core.events import Event
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.export.model import INTERRUPTED, PASSED, parse_time
from sago_tui.tui.app import FRAME_EVENTS, SagoApp
from sago_tui.tui.app_config import AppConfig
from sago_tui.tui.dispatch import Dispatcher
from sago_tui.tui.export_control import ExportSource, HtmlExporter
from sago_tui.tui.project_control import ProjectController
from sago_tui.tui.replay_model import ReplayModel, prepare

PACE_SECONDS = 4.0
"""A paced replay (``trace --demo``) takes at most this long, however long the run was."""
NO_TASKS = "This trace has no tasks (a plan or init job): its events are in the Feed and Log."
HINT = "read-only · Enter on a Feed or Log row opens it · h exports HTML · q quits"


@dataclass
class Replay:
    """What to replay: the trace's records, a title, and where they came from."""

    records: list[dict[str, Any]]
    title: str
    project: Project | None = None
    trace_path: Path | None = None
    """The trace file: Log rows older than the in-memory window are read back from it."""
    pace: bool = False


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
        super().__init__(app)
        self.replay, self.clock = replay, clock
        self.model: ReplayModel | None = None
        self.delivered = 0
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
        session.phase = "replaying"
        app.cost_table.max_cost = model.max_cost
        app.cost_table.note = "A replay shows what was spent; estimates are not recomputed."
        app.cost_table.no_budget = "no budget"
        self.plan_changed()
        app.feed.focus()  # ↑↓ and Enter work on the Feed at once
        app.say(f"Replaying {self.replay.title} — {HINT}")
        app.refresh_state()

    async def _deliver(self, model: ReplayModel) -> None:
        """Hand every event to the bridge: at most a frame ahead of the drain, or paced."""
        bridge, total = self.app.bridge, len(model.records)
        interval = self.app.config.drain_interval
        offsets = model.offsets(PACE_SECONDS) if self.replay.pace else None
        loop = asyncio.get_running_loop()
        began, index = loop.time(), 0
        while index < total:
            if offsets is None:
                while len(bridge) >= FRAME_EVENTS:  # the backlog stays one frame deep
                    await asyncio.sleep(interval)
                end = min(total, index + FRAME_EVENTS)
            else:
                if (wait := began + offsets[index] - loop.time()) > 0:
                    await asyncio.sleep(wait)
                now, end = loop.time() - began, index + 1
                while end < total and end - index < FRAME_EVENTS and offsets[end] <= now:
                    end += 1
            for position in range(index, end):
                bridge(model.event(position))
            self.delivered = index = end
            await asyncio.sleep(0)
        while len(bridge):  # the last frames are drained (and drawn) by the app
            await asyncio.sleep(interval)

    def _finish(self, model: ReplayModel) -> None:
        """The run's outcome; tasks a killed run left running show as not run."""
        app, session, run = self.app, self.app.session, model.run
        if run.interrupted:
            stuck = {t for t, view in session.tasks.items() if view.live == "running"}
            for task_id in stuck:
                session.tasks[task_id].live = "not_run"
                session.tasks[task_id].error = "the trace ends before this task did"
            app.feed.refresh_cards(stuck)
            app.plan_tree.refresh_tasks(stuck)
            app.cost_table.update_tasks(stuck)
        if run.interrupted or run.outcome == INTERRUPTED:
            session.phase, outcome = "stopped", "interrupted"
        else:
            session.phase = "passed" if run.outcome == PASSED else "failed"
            outcome = run.outcome
        self.finished = True
        app.say(f"Replay of {self.replay.title}: {outcome} — {HINT}")
        app.refresh_state()


class ReplayApp(SagoApp):
    """The app on a recorded run: read-only, fed from the trace through the live path."""

    replay_mode: ClassVar[bool] = True

    def __init__(self, replay: Replay, config: AppConfig | None = None) -> None:
        # Without a project (trace --demo) a stand-in fills the slot; nothing reads or
        # writes it, since every action that would is hidden in a replay.
        super().__init__(replay.project or Project(Path.cwd()), Settings(), config)
        self.replay = replay
        clock = TraceClock()
        self.session.clock = clock
        self.dispatch = ReplayDispatcher(self, clock)
        self.project_ctl = ReplayController(self, replay, clock)
        self.header.project_name = f"replay · {replay.title}"
        self.tabs = TabbedContent(initial="feed", id="tabs")
        self.trace_source = replay.trace_path
        self.exporter = HtmlExporter(
            self, ExportSource(replay.project, replay.records, replay.title)
        )


def run_replay(
    records: list[dict[str, Any]],
    title: str,
    *,
    project: Project | None = None,
    trace_path: Path | None = None,
    pace: bool = False,
) -> int:
    """Open the app on a recorded run; returns the exit code once the user quits."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the replay needs a terminal; export the run with `sago-tui trace --html FILE`"
        )
    app = ReplayApp(Replay(records, title, project, trace_path, pace))
    return int(app.run() or 0)
