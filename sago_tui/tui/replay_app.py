"""``sago-tui trace``: a recorded run replayed, read-only, in the app's own widgets.

Nothing here draws anything. The trace's records become typed events
(:func:`~sago_tui.core.events.from_record`) and go into the app's
:class:`~sago_tui.tui.bridge.EventBridge`, exactly where the engine's bus puts live
events; the app drains them ~30 times a second into the same dispatcher, session, Feed
cards, Log rows, plan tree and cost table as a live run. What differs:

* the "project" is loaded from the trace (:class:`ReplayController`): the tasks it
  mentions become the plan tree (:mod:`~sago_tui.tui.replay_model`), no file is read;
* the header's clock is the trace's, so elapsed time and duration are the run's own;
* read-only: the keymap's ``replay`` flag decides what the footer, help and palette
  offer (no run, approval, generation, settings or spec editing; the Spec tab is hidden);
* a whole run is delivered in bigger frames, so a 50,000-event trace paints at once and
  is all in within about two seconds; ``pace`` instead spreads the events over a few
  seconds by their timestamps, like a live run (``trace --demo``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

from sago_tui.core.errors import UsageError
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.app import SagoApp
from sago_tui.tui.app_config import AppConfig
from sago_tui.tui.export_control import ExportSource, HtmlExporter
from sago_tui.tui.replay_control import ReplayController, ReplayDispatcher, TraceClock
from sago_tui.tui.replay_model import Replay
from sago_tui.tui.widgets.app_tabs import AppTabs

__all__ = ["Replay", "ReplayApp", "run_replay"]

REPLAY_FRAME_EVENTS = 6_000
"""Events per frame while a replay loads: a frame then takes ~0.1 s, so 50,000 events are
on screen in about a second and keys still answer between frames."""


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
        self.player = ReplayController(self, replay, clock)
        self.project_ctl = self.player  # the "project" is loaded from the trace
        # Short: the header's right half holds progress, tokens, cost and time (the status
        # line gives the full title).
        self.header.project_name = f"replay · {replay.project.name if replay.project else 'demo'}"
        self.tabs = AppTabs(self.main_widget, initial="feed")
        if not replay.pace:  # loading a whole run at once: bigger frames, fewer of them
            self.frame_events = REPLAY_FRAME_EVENTS
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
