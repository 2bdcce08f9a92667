"""``sago-tui trace``: a recorded run replayed read-only through the app's live path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from sago_tui.commands.trace_cmd import sample_records
from sago_tui.core.events import LLMCalled, from_record
from sago_tui.core.trace import read_trace
from sago_tui.tui import replay_control
from sago_tui.tui.palette import SagoCommands
from sago_tui.tui.replay_model import prepare
from sago_tui.tui.screens.event_detail_screen import EventDetailScreen
from sago_tui.tui.screens.help_screen import HelpScreen
from tests.export.factory import run_records
from tests.tui.helpers import DATA, SIZE, make_replay, replayed, wait_for

READ_ONLY = (
    *("start_run", "stop_run", "rerun_failed", "approve_all", "approve_plan"),
    *("approve_task", "skip_task", "edit_task", "generate_plan", "regenerate_with_feedback"),
    *("draft_spec", "save_spec", "open_settings", "reload_project"),
)


def final_statuses(records: list[dict[str, Any]]) -> dict[str, str]:
    """Task id → the status its last task_end or task_skip gave it."""
    out: dict[str, str] = {}
    for record in records:
        data = record["data"]
        if record["event_type"] == "task_end":
            out[data["task_id"]] = data["status"]
        elif record["event_type"] == "task_skip":
            out[data["task_id"]] = "skipped"
    return out


async def test_replay_shows_the_run_read_only() -> None:
    records = sample_records()
    app = make_replay(records)
    async with app.run_test(size=SIZE) as pilot:
        await replayed(pilot)
        assert app.tabs.active == "feed"
        # Feed: one card per task, with the status the trace ended it with.
        statuses = final_statuses(records)
        assert {"cached", "skipped", "passed"} <= set(statuses.values())
        assert {key: app.feed.cards[key].status for key in statuses} == statuses
        assert "2 attempts" in app.feed.cards["2.1"].head().plain  # the fixed task
        # Plan tree: the tasks seen, in their phases, with the same statuses.
        assert app.session.plan is not None
        assert {t.id for t in app.session.plan.tasks} == set(statuses)
        assert app.plan_tree.label_of("3.3").startswith("⊘")
        # Header: the run's own totals and duration (from the trace, not the wall clock).
        end = records[-1]["data"]
        assert app.session.tokens == end["total_tokens"]
        assert app.session.duration == end["duration_s"]
        assert app.session.progress == (len(statuses), len(statuses))
        assert app.phase == "passed"
        # Read-only: nothing that runs, approves, generates or edits is offered.
        for action in READ_ONLY:
            assert not app.check_action(action, ()), action
        assert not app.check_action("show_tab", ("spec",))
        assert app.check_action("show_tab", ("log",)) and app.check_action("export_html", ())
        titles = [hit.text async for hit in SagoCommands(app.screen).discover()]
        assert "Log tab" in titles and "Export HTML" in titles
        assert not {"Run", "Approve all & run", "Settings", "Spec tab"} & set(titles)
        await pilot.press("r", "A", "g")  # hidden keys do nothing
        assert not app.engine.busy and app.phase == "passed"
        # Tabs cycle past the hidden Spec tab.
        await pilot.press("ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        assert app.tabs.active == "plan"
        # Log: every event, and Enter opens one.
        await pilot.press("4")
        log = app.log_pane.event_log
        assert log.count == len(records)
        log.focus()
        events = [from_record(r) for r in records]
        index = next(i for i, e in enumerate(events) if isinstance(e, LLMCalled))
        await pilot.press("home", *["down"] * index, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        texts = [str(s.render()) for s in app.screen.query(".detail-text").results(Static)]
        assert texts[0] == events[index].prompt_preview  # type: ignore[attr-defined]
        await pilot.press("escape", "question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_text = " ".join(
            str(s.render()) for s in app.screen.query_one("#help-text").query(Static)
        )
        assert "Export HTML" in help_text and "Approve all" not in help_text
        await pilot.press("escape", "q")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to quit")
    assert app.return_code == 0


async def test_an_interrupted_trace_ends_as_stopped() -> None:
    records = [r for r in read_trace(DATA / "demo_run.jsonl")]
    first_end = next(i for i, r in enumerate(records) if r["event_type"] == "task_end")
    cut = records[:first_end]  # killed while the first task ran: no task_end, no workflow_end
    app = make_replay(cut)
    async with app.run_test(size=SIZE) as pilot:
        await replayed(pilot)
        task_id = cut[-1]["data"]["task_id"]
        assert app.phase == "stopped"
        assert app.session.tasks[task_id].status == "not_run"
        assert app.session.duration is None
        assert app.session.elapsed == pytest.approx(
            prepare(cut).run.offsets[-1] or 0.0, abs=0.01
        )  # the last event's time, not the wall clock's


async def test_paced_replay_streams_then_shows_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replay_control, "PACE_SECONDS", 0.4)
    records = sample_records()
    app = make_replay(records, pace=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phase == "replaying", "the replay to start")
        await replayed(pilot)
        assert app.log_pane.event_log.count == len(records)


def test_pacing_is_scaled_to_a_few_seconds() -> None:
    model = prepare(run_records(30))  # 60 s of run
    offsets = model.offsets(4.0)
    assert offsets[0] == 0.0 and offsets[-1] == pytest.approx(4.0)
    assert offsets == sorted(offsets)
    short = prepare(run_records(1))  # 2 s of run: real time
    assert short.offsets(4.0)[-1] == pytest.approx(2.0)


def big_trace(path: Path, count: int) -> list[dict[str, Any]]:
    """``count`` events: a run of many small tasks, written to ``path`` as well."""
    base = run_records(1)
    out, task = [base[0]], base[1:-1]
    while len(out) < count - 1:
        n = len(out) // len(task)
        task_id = f"{n // 100 + 1}.{n % 100 + 1}"
        for record in task:
            data = {**record["data"], "task_id": task_id}
            out.append({**record, "span_id": f"{len(out):016x}", "data": data})
    out.append(base[-1])
    path.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    return out


async def test_fifty_thousand_events_open_and_old_rows_come_from_disk(tmp_path: Path) -> None:
    trace = tmp_path / "big.jsonl"
    records = big_trace(trace, 50_000)
    app = make_replay(records, trace_path=trace)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.log_pane.event_log.count > 0, "the first frame")
        assert "tasks" in str(app.header.query_one("#header-progress", Static).render())
        await replayed(pilot)
        log = app.log_pane.event_log
        assert log.count == len(records)
        assert log.event_at(1).event is None  # type: ignore[union-attr]  # beyond the window
        await pilot.press("4")
        log.focus()
        await pilot.press("home", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query(".detail-text")) > 0, "the trace lookup")
        head = str(screen.query_one("#detail-head", Static).render())
        assert records[1]["event_type"] in head
