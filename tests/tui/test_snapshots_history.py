"""Snapshots of the history and code views: the last run on reopen, the run picker, and
a side-by-side diff. Regenerate with ``--snapshot-update`` and review the SVGs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from sago_tui.core.events import FileWritten
from sago_tui.core.project import Project
from sago_tui.tui.app import SagoApp
from sago_tui.tui.messages import EventChosen
from sago_tui.tui.screens.event_detail_screen import EventDetailScreen
from sago_tui.tui.screens.run_picker_screen import RunPickerScreen
from sago_tui.tui.widgets.diff_view import DiffView
from tests.tui.helpers import SIZE, loaded, make_app, recorded, wait_for
from tests.tui.test_history import LAST, with_traces

SnapCompare = Callable[..., bool]


async def _history_shown(pilot: Pilot[Any]) -> SagoApp:
    app = pilot.app
    assert isinstance(app, SagoApp)
    await loaded(pilot)
    await wait_for(pilot, lambda: app.history.shown is not None and not app.history.loading,
                   "the last run")  # fmt: skip
    assert app.history.shown is not None and app.history.shown.summary.run_id == LAST
    return app


async def last_run_feed(pilot: Pilot[Any]) -> None:
    """Reopened after a passed run: the Feed shows it, marked as the last run."""
    app = await _history_shown(pilot)
    await pilot.press("3")
    app.clear_notifications()
    await pilot.pause()


async def run_picker(pilot: Pilot[Any]) -> None:
    """``p``: the past runs, newest first, the one shown marked."""
    app = await _history_shown(pilot)
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, RunPickerScreen), "the picker")
    app.clear_notifications()
    await pilot.pause()


async def side_by_side_diff(pilot: Pilot[Any]) -> None:
    """The fix's write opened, ``v``: old and new side by side, in colour."""
    app = pilot.app
    assert isinstance(app, SagoApp)
    await loaded(pilot)
    fix = next(e for e in recorded("demo_run.jsonl")
               if isinstance(e, FileWritten) and e.agent == "SelfHealingAgent")  # fmt: skip
    app.post_message(EventChosen(fix))
    await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen)
                   and bool(app.screen.query(DiffView)), "the diff")  # fmt: skip
    await pilot.press("v")
    await pilot.pause()


def test_last_run_on_reopen(snap_compare: SnapCompare, planned_project: Project) -> None:
    with_traces(planned_project)
    app = make_app(planned_project)
    assert snap_compare(app, terminal_size=SIZE, run_before=last_run_feed)


def test_run_picker(snap_compare: SnapCompare, planned_project: Project) -> None:
    with_traces(planned_project)
    app = make_app(planned_project)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_picker)


def test_side_by_side_diff(snap_compare: SnapCompare, planned_project: Project) -> None:
    app = make_app(planned_project, syntax_highlight=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=side_by_side_diff)
