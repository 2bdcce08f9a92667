"""Reopening a project shows its last run (read-only); ``p`` picks another past run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textual.widgets import OptionList, Static

from sago_tui.core.project import Project
from sago_tui.core.trace import RunSummary, read_trace
from sago_tui.tui.app import SagoApp
from sago_tui.tui.history import HISTORY_KEY, ShownRun
from sago_tui.tui.palette import SagoCommands
from sago_tui.tui.screens.run_picker_screen import RunPickerScreen
from tests.tui.helpers import DATA, SIZE, feed, loaded, make_app, recorded, wait_for

LAST = "20260115-093000-demo"
OLDER = "20260114-080000-beef"


def with_traces(project: Project) -> dict[str, Path]:
    """The passed run as the newest trace (and its mirror), the failed one as an older run."""
    project.traces_dir.mkdir(parents=True, exist_ok=True)
    paths = {run: project.traces_dir / f"{run}.jsonl" for run in (LAST, OLDER)}
    shutil.copy(DATA / "demo_run.jsonl", paths[LAST])
    shutil.copy(DATA / "demo_run.jsonl", project.latest_trace_path)
    shutil.copy(DATA / "demo_run_failed.jsonl", paths[OLDER])
    return paths


def files_of(root: Path) -> dict[str, float]:
    """Every file under ``root`` with its modification time (nothing may be written)."""
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


async def shown(app: SagoApp, pilot: object, run_id: str) -> None:
    await wait_for(pilot, lambda: app.history.shown is not None  # type: ignore[arg-type]
                   and app.history.shown.summary.run_id == run_id and not app.history.loading,
                   f"run {run_id} to be shown")  # fmt: skip


async def test_reopening_shows_the_last_run_read_only(planned_project: Project) -> None:
    paths = with_traces(planned_project)
    before = files_of(planned_project.root)
    records = list(read_trace(paths[LAST]))
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await shown(app, pilot, LAST)
        # Feed: marked as the last run, then a card per task with the run's result.
        marker = app.feed.cards[HISTORY_KEY]
        assert marker.title.startswith("Last run · 2026-01-15 09:30 UTC · passed")
        assert "read-only" in marker.title
        assert app.feed._order[0] is marker  # first, above the run's cards
        assert {app.feed.cards[t].status for t in ("1.1", "2.1", "3.2")} == {"passed"}
        assert "2 attempts" in app.feed.cards["2.1"].head().plain
        # Log: every event; Cost and tree: the run's own numbers and statuses.
        assert app.log_pane.event_log.count == len(records)
        end = records[-1]["data"]
        assert app.session.tokens == end["total_tokens"]
        assert app.session.cost == end["cost_usd"]
        assert app.session.tasks["2.1"].tokens > 0
        assert app.plan_tree.label_of("3.2").startswith("✔")
        assert "Last run" in str(app.status_line.render())
        assert not app.engine.busy and app.phase == "idle"
        pill = app.query_one("#header-phase", Static)
        assert str(pill.render()).strip() == "Past run"  # not "Ready" for a new run
        assert files_of(planned_project.root) == before  # read-only: nothing written
        # A new job's events replace the past run in the Feed and the Log.
        live = recorded("demo_run_failed.jsonl")
        feed(app, live)
        assert HISTORY_KEY not in app.feed.cards and app.history.shown is None
        assert str(pill.render()).strip() != "Past run"
        assert app.exporter.source.records is None  # h exports the project's latest again
        assert app.log_pane.event_log.count == len(live)
        assert app.feed.cards["2.1"].status == "failed"


async def test_no_trace_keeps_the_empty_feed(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.pause()
        assert app.history.shown is None and not app.feed.cards
        assert app.log_pane.event_log.count == 0


async def test_the_run_picker_shows_an_older_run(planned_project: Project) -> None:
    paths = with_traces(planned_project)
    failed = list(read_trace(paths[OLDER]))
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await shown(app, pilot, LAST)
        titles = [hit.text async for hit in SagoCommands(app.screen).discover()]
        assert "Past runs" in titles  # in the palette too
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RunPickerScreen), "the picker")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        newest = str(options.get_option_at_index(0).prompt)
        assert newest.startswith("2026-01-15 09:30 ") and "◀ shown" in newest
        assert "failed" in str(options.get_option_at_index(1).prompt)
        await pilot.press("down", "enter")
        await shown(app, pilot, OLDER)
        # The older run replaced the last one everywhere.
        assert app.feed.cards[HISTORY_KEY].title.startswith("Run · 2026-01-15 09:30 UTC")
        assert app.log_pane.event_log.count == len(failed)
        assert app.feed.cards["2.1"].status == "failed"
        assert app.session.tasks["3.2"].live == "skipped"  # blocked by 2.1 in that run
        assert "blocked" in app.session.tasks["3.2"].error
        assert app.session.failed_ids() == ["2.1"]
        assert app.session.progress == (5, 5)  # 3.x were skipped (blocked) in that run
        # h exports the run on screen.
        assert app.exporter.source.records is not None
        assert len(app.exporter.source.records) == len(failed)
        await app.exporter.run()
        assert (planned_project.planning_dir / "trace.html").is_file()
        # Escape closes the picker without changing what is shown.
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RunPickerScreen), "the picker")
        await pilot.press("escape")
        await pilot.pause()
        assert app.history.shown is not None and app.history.shown.summary.run_id == OLDER


async def test_the_picker_says_when_there_are_no_runs(planned_project: Project) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, RunPickerScreen), "the picker")
        assert "No past runs" in str(app.screen.query_one("#runs-empty").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RunPickerScreen)


async def test_tasks_gone_from_the_plan_keep_their_cards(planned_project: Project) -> None:
    """The plan was regenerated since: the past run's other tasks are named by their id."""
    from tests.tui.test_approval_flow import PLAN

    with_traces(planned_project)
    planned_project.plan_path.write_text(PLAN)  # tasks 1.1 and 1.2 only
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await shown(app, pilot, LAST)
        assert app.feed.cards["2.1"].title == "2.1"
        assert "verify passed" in "".join(c.plain for c, _ in app.feed.cards["2.1"].lines)
        assert set(app.session.tasks) == {"1.1", "1.2"}


def test_labels_name_the_job(tmp_path: Path) -> None:
    summary = RunSummary(LAST, tmp_path / "x.jsonl", "2026-01-15T09:30:00+00:00", "passed",
                         2, 2, 0, 10, 0.01)  # fmt: skip
    assert ShownRun(summary, True).label == "Last run · 2026-01-15 09:30 UTC · passed"
    assert ShownRun(summary, False, "plan").label.startswith("Plan · 2026-01-15 09:30 UTC")
    assert ShownRun(summary, True, "plan").label.startswith("Last plan ·")


def test_trace_records_have_run_ids() -> None:
    """The data above names its run: the Log opens old rows from traces/<run id>.jsonl."""
    first = json.loads((DATA / "demo_run.jsonl").read_text().splitlines()[0])
    assert first["data"]["run_id"] == LAST
