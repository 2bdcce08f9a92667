"""The screen never shows a state that is not true: stop races, counts, marks, stale lines."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual.message import Message
from textual.widgets import Static

from sago_tui.core.approval import ApprovalDecision, load_approval, save_approval
from sago_tui.core.errors import ExitCode
from sago_tui.core.events import (
    LLMRequested,
    PlanApproved,
    TaskSkipped,
    TaskStarted,
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.core.outcome import RunResult
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.app import SagoApp
from sago_tui.tui.messages import PlanApprovalRequested, PlanDecided, RunStarted
from sago_tui.tui.screens.confirm_screen import ConfirmScreen
from sago_tui.tui.ui_state import Phase
from tests.llm_server import FakeLLMServer, Reply, file_answer
from tests.tui.helpers import SIZE, FakeClock, feed, loaded, make_app, recorded, wait_for

IDS = ["1.1", "1.2", "2.1", "3.1", "3.2"]


def posted(app: SagoApp) -> list[Message]:
    """Record every message posted to the app from now on (what the flows ask for)."""
    seen: list[Message] = []
    original = app.post_message

    def record(message: Message) -> bool:
        seen.append(message)
        return original(message)

    app.post_message = record  # type: ignore[method-assign]
    return seen


def header_text(app: SagoApp, part: str) -> str:
    return str(app.header.query_one(f"#header-{part}", Static).render())


async def test_stop_dialog_answered_after_the_run_ended(planned_project: Project) -> None:
    """The run ends while "Stop the run?" is open: answering Stop leaves the true state."""
    app = make_app(planned_project)
    release = threading.Event()

    def job(_: Any) -> RunResult:
        release.wait(10)
        return RunResult(run_id="r", exit_code=ExitCode.OK)

    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.phase = Phase.RUNNING
        assert app.engine.start("run", app.settings, job)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        release.set()
        await wait_for(pilot, lambda: app.phase == Phase.PASSED, "the run's end")
        await pilot.click("#stop")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the answer")
        assert app.phase == Phase.PASSED
        assert "Passed" in str(app.header.query_one("#header-phase", Static).render())


async def test_stop_with_nothing_done_counts_nothing(planned_project: Project) -> None:
    """Tasks the stopped run never reached are "not run", not skipped, and not counted."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.session.begin_job(None)
        reason = "not run: stopped by the user"
        feed(app, [WorkflowStarted(command="run"), LLMRequested(task_id="1.1", purpose="task"),
                   *(TaskSkipped(task_id=t, reason=reason) for t in IDS),
                   WorkflowFinished(success=False)])  # fmt: skip
        await pilot.pause()
        assert app.session.progress == (0, 5)
        assert "0/5" in header_text(app, "progress")
        assert {app.session.tasks[t].status for t in IDS} == {"not_run"}
        assert app.plan_tree.label_of("2.1").startswith("·")
        assert app.feed.cards["1.1"].live is None  # no "answering… 0 characters" left


async def test_a_plan_job_shows_no_run_progress(planned_project: Project) -> None:
    """After a run, regenerating the plan does not show 0/5 beside a tree of passed tasks."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.session.begin_job(None)
        feed(app, recorded("demo_run.jsonl"))
        assert app.session.progress == (5, 5)
        app.session.begin_job(None, run=False)  # what g / f do before the plan job starts
        feed(app, [WorkflowStarted(command="plan")])
        await pilot.pause()
        assert app.session.progress == (0, 0)
        assert header_text(app, "progress") == ""


async def test_a_new_run_starts_its_cards_afresh(planned_project: Project) -> None:
    """The last run's lines (its "not run" reason) are not shown inside the new run's card."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, [WorkflowStarted(command="run"),
                   TaskSkipped(task_id="1.1", reason="not run: stopped by the user")])  # fmt: skip
        assert any("not run" in str(line) for line, _ in app.feed.cards["1.1"].lines)
        feed(app, [WorkflowStarted(command="run"), TaskStarted(task_id="1.1", wave=1)])
        lines = [str(line) for line, _ in app.feed.cards["1.1"].lines]
        assert lines and not any("not run" in line for line in lines)


async def test_approving_repaints_the_detail_and_clears_the_plan_ready_toast(
    planned_project: Project,
) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        plan, issues = load_plan(planned_project.plan_path)
        future: Future[ApprovalDecision] = Future()
        app.post_message(PlanApprovalRequested(plan, issues, future))
        await wait_for(pilot, lambda: app.awaiting, "the request")
        assert app._notifications  # "Plan ready"
        app.plan_tree.select_task("1.1")
        await pilot.pause()
        assert "pending" in str(app.task_detail._head_widget.render())
        seen = posted(app)
        await pilot.press("A")
        await wait_for(pilot, lambda: future.done(), "the decision")
        assert any(isinstance(m, PlanDecided) and m.decision.approved for m in seen)
        await pilot.pause()
        assert "approved" in str(app.task_detail._head_widget.render())
        assert not app._notifications
        assert not app.awaiting and app.phase == Phase.RUNNING


async def test_unskipping_a_task_skipped_last_run_shows_it_pending(
    planned_project: Project,
) -> None:
    text = planned_project.plan_path.read_text()
    save_approval(planned_project, text, approved_by="test", skipped=frozenset({"3.2"}))
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, [WorkflowStarted(command="run"),
                   TaskSkipped(task_id="3.2", reason="skipped at plan approval")])  # fmt: skip
        app.plan_tree.select_task("3.2")
        await pilot.press("2")
        assert app.plan_tree.label_of("3.2").startswith("⊘")
        await pilot.press("s")
        await pilot.pause()
        assert app.plan_tree.label_of("3.2").startswith("○")  # back to review, not "skipped"
        assert app.session.tasks["3.2"].status == "pending"


async def test_elapsed_time_counts_from_the_run_not_the_review(planned_project: Project) -> None:
    app = make_app(planned_project)
    clock = app.config.clock
    assert isinstance(clock, FakeClock)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.session.begin_job(None)  # r pressed: planning and review start
        plan, issues = load_plan(planned_project.plan_path)
        future: Future[ApprovalDecision] = Future()
        app.post_message(PlanApprovalRequested(plan, issues, future))
        await wait_for(pilot, lambda: app.awaiting, "the request")
        clock.now += 600  # ten minutes of review
        await pilot.press("A")
        await wait_for(pilot, lambda: future.done(), "the decision")
        clock.now += 5
        feed(app, [WorkflowFinished(success=True, duration_s=605.0)])
        assert app.session.elapsed == 5
        assert header_text(app, "stats").endswith("0:05")


async def test_r_on_an_unapproved_plan_asks_and_no_keeps_it_unapproved(
    planned_project: Project,
) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        seen = posted(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the answer")
        await pilot.pause()
        assert not app.engine.busy
        assert not any(isinstance(m, RunStarted) for m in seen)
        assert "not approved" in str(app.status_line.render())
    assert load_approval(planned_project) is None


async def test_r_on_an_approved_plan_runs_without_asking(
    planned_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    text = planned_project.plan_path.read_text()
    save_approval(planned_project, text, approved_by="test", skipped=frozenset(IDS[1:]))
    llm_server.enqueue(Reply(content=file_answer({"textstats/__init__.py": ""})))
    app = make_app(planned_project, server_settings(planned_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        seen = posted(app)
        await pilot.press("r")
        await pilot.pause()
        assert app.tabs.active == "feed"  # a run shows the Feed at once
        # No question: a dialog would hold the run, and this wait would time out.
        await wait_for(pilot, lambda: app.phase in (Phase.PASSED, Phase.FAILED), "the run")
        assert [m.approved for m in seen if isinstance(m, RunStarted)] == [True]
    approval = load_approval(planned_project)
    assert approval is not None and approval.skipped == frozenset(IDS[1:])


async def test_the_approval_bar_shows_the_approval_the_run_recorded(
    planned_project: Project,
) -> None:
    """After A, the bar does not keep saying "not approved yet" during the run."""
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.plan_pane.bar.state == "unapproved"
        text = planned_project.plan_path.read_text()
        approval = save_approval(planned_project, text, approved_by="tui", skipped=frozenset())
        feed(app, [PlanApproved(plan_hash=approval.plan_hash, approved=IDS, approved_by="tui")])
        await wait_for(pilot, lambda: app.plan_pane.bar.state == "approved", "the approval")
