"""The app's task model: what a task's icon says, and what the progress counts."""

from __future__ import annotations

from sago_tui.core.events import TaskFinished, TaskSkipped, WorkflowFinished, WorkflowStarted
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.task_status import TaskStatus, skip_status
from sago_tui.tui.task_views import Session
from tests.tui.helpers import DATA, FakeClock


def session() -> Session:
    plan, issues = parse_plan((DATA / "demo_plan.md").read_text())
    model = Session(FakeClock())
    model.set_plan(plan, issues)
    return model


def test_task_status_is_the_string_everyone_writes() -> None:
    assert TaskStatus.NOT_RUN == "not_run" and TaskStatus.NOT_RUN.label == "not run"
    assert skip_status("not run: stopped by the user") is TaskStatus.NOT_RUN
    assert skip_status("dependency 2.1 failed") is TaskStatus.SKIPPED


def test_a_stop_before_any_task_counts_nothing_done() -> None:
    model = session()
    model.begin_job(None)
    model.apply(WorkflowStarted(command="run"))
    for task_id in model.tasks:
        model.apply(TaskSkipped(task_id=task_id, reason="not run: budget reached"))
    assert model.progress == (0, 5)
    assert {view.status for view in model.tasks.values()} == {TaskStatus.NOT_RUN}


def test_a_plan_job_has_no_progress() -> None:
    model = session()
    model.begin_job(None, run=False)
    assert model.progress == (0, 0)


def test_review_marks_beat_an_old_skip_but_not_a_result() -> None:
    model = session()
    model.set_records({"1.1": "skipped", "1.2": "passed"}, {})
    assert model.tasks["1.1"].status == "pending"  # skipped last time: up for review again
    assert model.tasks["1.2"].status == "passed"
    view = model.tasks["2.1"]
    model.apply(TaskSkipped(task_id="2.1", reason="skipped at plan approval"))
    assert view.status == "skipped"
    view.set_mark(None)  # un-skipped in review
    assert view.status == "pending"
    model.apply(TaskFinished(task_id="3.1", status="failed", success=False))
    model.tasks["3.1"].set_mark("approved")
    assert model.tasks["3.1"].status == "failed"  # a result this session still shows


def test_elapsed_is_the_runs_own_time_once_restarted() -> None:
    model = session()
    clock = model.clock
    assert isinstance(clock, FakeClock)
    model.begin_job(None)
    clock.now += 300  # planning and review
    model.start_clock()
    clock.now += 7
    model.apply(WorkflowFinished(success=True, duration_s=307.0))
    assert model.duration == 7
