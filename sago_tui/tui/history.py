"""A past run shown in the live app: the last one on reopen, or one picked from the list.

Reopening a project that has run shows that run, not an empty Feed: its trace
(``.planning/traces/<run id>.jsonl``, else ``.planning/trace.jsonl``) is prepared by the
replay's own model (:func:`~sago_tui.tui.replay_model.prepare`, which fills in task ids
seed traces lack) and its events go into the app's :class:`EventBridge`, exactly where
a live run's go, so the Feed cards, Log rows, plan tree statuses and cost rows are the
ones the run showed. It is read-only history: a "Last run" card heads the Feed, the
status line says so, and nothing is written. Starting a job stops a delivery midway,
and the job's first events clear the past run from the Feed and Log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sago_tui.core.events import Event, WorkflowStarted
from sago_tui.core.trace import RunSummary, list_runs, read_trace, summarize_run
from sago_tui.tui.export_control import ExportSource
from sago_tui.tui.replay_model import ReplayModel, prepare

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp

HISTORY_KEY = "history"
"""The Feed card that marks the events below it as a past run's."""


@dataclass(frozen=True)
class ShownRun:
    """The past run on screen."""

    summary: RunSummary
    latest: bool
    command: str = "run"

    @property
    def label(self) -> str:
        """``Last run · 2026-12-06 10:30 UTC · passed`` (``Run · …`` for an older one;
        ``plan`` for a planning job's trace)."""
        when = self.summary.started.replace("T", " ")[:16]
        job = "run" if self.command in ("run", "execute") else self.command or "job"
        head = f"Last {job}" if self.latest else job.capitalize()
        return f"{head} · {when} UTC · {self.summary.outcome}"


def latest_trace(project_traces: Path, latest_path: Path) -> Path | None:
    """The newest run's trace: its own file in ``traces/`` when there is one, else the mirror."""
    runs = sorted(project_traces.glob("*.jsonl"), reverse=True) if project_traces.is_dir() else []
    for path in runs:
        if path.stat().st_size > 0:
            return path
    return latest_path if latest_path.is_file() and latest_path.stat().st_size > 0 else None


def load_run(path: Path) -> tuple[RunSummary, ReplayModel]:
    """Read and prepare a trace (call in a thread)."""
    records: list[dict[str, Any]] = list(read_trace(path))
    return summarize_run(path), prepare(records)


class RunHistory:
    """Puts a past run's events into the Feed, Log, plan tree and Cost tab."""

    def __init__(self, app: SagoApp) -> None:
        self.app = app
        self.shown: ShownRun | None = None
        self.offered = False
        self.loading = False

    def project_opened(self) -> None:
        """After the project's first load: show the last run, unless a job already runs."""
        if self.offered:
            return
        self.offered = True
        app = self.app
        if app.replay_mode or app.engine.busy or not app.snapshot.initialized:
            return
        path = latest_trace(app.project.traces_dir, app.project.latest_trace_path)
        if path is not None:
            self.show(path, latest=True)

    def runs(self) -> list[RunSummary]:
        """The project's past runs, newest first (reads two lines of each trace)."""
        return list_runs(self.app.project)

    async def pick(self) -> None:
        """``p``: choose a past run in the picker, then show it."""
        from sago_tui.tui.screens.run_picker_screen import RunPickerScreen

        runs = await asyncio.to_thread(self.runs)
        shown = self.shown.summary.path if self.shown else None
        path = await self.app.push_screen_wait(RunPickerScreen(runs, shown))
        if path is not None and not self.app.engine.busy:
            self.show(path, latest=path == runs[0].path)

    def show(self, path: Path, *, latest: bool) -> None:
        """Replace what the Feed, Log and Cost tab show with the run traced in ``path``."""
        self.loading = True
        self.app.run_worker(self._load(path, latest), group="history", exclusive=True)

    async def _load(self, path: Path, latest: bool) -> None:
        app = self.app
        try:
            summary, model = await asyncio.to_thread(load_run, path)
        except OSError as exc:
            self.loading = False
            app.say(f"Cannot read {path.name}: {exc}", "error")
            return
        if app.engine.busy:  # a job started meanwhile: its events own the views
            self.loading = False
            return
        if self.shown is not None or app.feed.cards:
            self._clear()
        first = model.records[0] if model.records else {}
        command = str((first.get("data") or {}).get("command") or "run")
        self.shown = ShownRun(summary, latest, command)
        app.header.show_history(True)
        app.trace_source = path if path.parent != app.project.traces_dir else app.trace_source
        title = f"{self.shown.label} · {summary.run_id} — read-only"
        app.feed.add_note(HISTORY_KEY, title, summary.outcome)
        # `h` exports the run on screen: this one, until a job replaces it.
        app.exporter.source = ExportSource(app.project, model.records,
                                           f"{app.project.name} · {self.shown.label}")  # fmt: skip
        if model.plan is not None:  # progress counts the run's tasks, skipped ones too
            app.session.scope = {t.id for t in model.plan.tasks} & set(app.session.tasks)
        await self._deliver(model)
        self.loading = False
        if not app.engine.busy and self.shown is not None:
            app.say(f"{self.shown.label} — read-only history · p: other past runs")
            app.repaint_state()

    async def _deliver(self, model: ReplayModel) -> None:
        """Every event into the bridge, a frame's worth at a time (stops if a job starts)."""
        app = self.app
        bridge, frame, total = app.bridge, app.frame_events, len(model.records)
        index = 0
        while index < total:
            if app.engine.busy:
                return
            while len(bridge) > frame:
                await asyncio.sleep(app.config.drain_interval / 2)
            end = min(total, index + frame)
            for position in range(index, end):
                bridge(model.event(position))
            index = end
            await asyncio.sleep(0)
        while len(bridge):
            await asyncio.sleep(app.config.drain_interval)

    def before_events(self, events: list[Event]) -> None:
        """A live job's first events: the past run leaves the Feed and Log to it.

        Its task results stay in the tree until the job replaces them (a re-run of the
        failed tasks leaves the others as the last run ended); ``p`` shows it again.
        """
        if self.shown is None or (self.loading and not self.app.engine.busy):
            return  # nothing shown, or the past run's own events
        if any(isinstance(event, WorkflowStarted) for event in events):
            self.shown = None
            self.app.header.show_history(False)
            self.app.feed.clear()
            self.app.log_pane.event_log.clear_events()
            self.app.trace_source = self.app.project.traces_dir
            self.app.exporter.source = ExportSource(self.app.project)

    def _clear(self) -> None:
        """Forget the run shown: empty Feed and Log, task results back to the files'."""
        app, session = self.app, self.app.session
        app.feed.clear()
        app.log_pane.event_log.clear_events()
        for view in session.tasks.values():
            view.live, view.tokens, view.cost, view.duration, view.attempts = None, 0, 0.0, 0.0, 0
        session.scope, session.tokens, session.cost = set(), 0, 0.0
        session.started_at, session.duration = None, None
        changed = set(session.tasks)
        app.plan_tree.refresh_tasks(changed)
        app.cost_table.update_tasks(changed)
        app.header.show(session)
