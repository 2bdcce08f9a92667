"""The run summary behind the HTML page: tasks by id, statuses, costs, timeline, phases."""

from __future__ import annotations

import copy

import pytest

from sago_tui.commands.trace_cmd import sample_records
from sago_tui.export.summary import summarize_records
from tests.export.factory import run_records


def test_sequential_run() -> None:
    run = summarize_records(run_records(3))
    assert [t.task_id for t in run.tasks] == ["1.1", "1.2", "1.3"]
    assert all(t.status == "passed" for t in run.tasks)
    assert run.outcome == "passed" and not run.interrupted
    assert run.max_parallel == 1
    # Each task started when the one before it finished.
    assert run.tasks[1].after == ["1.1"] and run.tasks[2].after == ["1.2"]
    assert run.tasks[0].estimated_cost_usd == pytest.approx(0.002)
    assert run.estimated_cost_usd == pytest.approx(0.006)
    (phase,) = run.phases
    assert phase.name == "Phase 1: Build" and phase.tasks == ["1.1", "1.2", "1.3"]
    assert phase.cost_usd == pytest.approx(0.003)


def test_parallel_tasks_stay_apart() -> None:
    records = run_records(3, parallel=True)
    kinds = [r["data"].get("task_id") for r in records[1:-1]]
    assert kinds[:3] == ["1.1", "1.2", "1.3"]  # the lines really interleave
    run = summarize_records(records)
    assert run.max_parallel == 3
    for task in run.tasks:
        owned = [records[i] for i in task.events]
        assert {r["data"]["task_id"] for r in owned} == {task.task_id}
        assert [r["event_type"] for r in owned] == [
            "task_start", "file_read", "llm_call", "file_write", "verify_run", "task_end",
        ]  # fmt: skip
        assert [s.kind for s in task.segments] == ["llm", "verify"]
        assert task.after == []  # nothing ran before them


def test_interrupted_run_without_workflow_end() -> None:
    records = run_records(2, end=False)[:-2]  # killed during the second task's verify
    run = summarize_records(records)
    assert run.interrupted and run.outcome == "interrupted"
    first, second = run.tasks
    assert first.status == "passed"
    assert second.status == "interrupted" and second.end is not None
    assert run.tokens == 300  # both tasks' LLM calls, summed without a workflow_end
    assert run.duration_s == pytest.approx(3.11, abs=0.01)


def test_workflow_end_with_exit_130_is_interrupted() -> None:
    records = run_records(1)
    records[-1]["data"].update(success=False, exit_code=130, reason="interrupted")
    run = summarize_records(records)
    assert run.outcome == "interrupted" and not run.interrupted


def test_seed_trace_without_task_ids_uses_the_open_task() -> None:
    records = copy.deepcopy(run_records(2))
    for record in records:
        record["data"].pop("task_id", None)
    run = summarize_records(records)
    assert [t.key for t in run.tasks] == ["Task 1.1", "Task 1.2"]
    assert [len(t.events) for t in run.tasks] == [6, 6]
    assert run.run_events == [0, len(records) - 1]


def test_depends_on_gives_the_wait() -> None:
    records = run_records(3)
    records[13]["data"]["depends_on"] = ["1.1"]  # task_start of 1.3
    run = summarize_records(records)
    third = run.tasks[2]
    assert third.after == ["1.1"]
    assert third.ready == pytest.approx(1.61)
    assert third.start == pytest.approx(4.01)


def test_sample_run_shows_cache_skip_parallel_and_fix() -> None:
    run = summarize_records(sample_records())
    status = {t.task_id: t.status for t in run.tasks}
    assert status == {
        "1.1": "cached", "1.2": "cached", "2.1": "passed", "2.2": "passed",
        "3.1": "passed", "3.2": "passed", "3.3": "skipped",
    }  # fmt: skip
    assert run.max_parallel == 2
    fixed = next(t for t in run.tasks if t.task_id == "2.1")
    assert fixed.attempts == 2 and fixed.fixes == 1 and fixed.verify_runs == 2
    assert [s.ok for s in fixed.segments if s.kind == "verify"] == [False, True]
    # Cached tasks name no phase in the trace: borrowed from the id prefix.
    assert {t.phase for t in run.tasks if t.status == "cached"} == {"Phase 1: Counting"}
    assert run.planning_tokens > 0 and run.planning_end is not None
    assert run.outcome == "passed" and run.total_tasks == 7
    assert run.cost_usd == pytest.approx(
        run.planning_cost_usd + sum(t.cost_usd for t in run.tasks), abs=1e-5
    )


def test_cached_prompt_tokens_are_summed_for_the_page() -> None:
    records = run_records(2)
    calls = [r for r in records if r["event_type"] == "llm_call"]
    for record, cached in zip(calls, (0, 1536), strict=True):
        record["data"]["cached_tokens"] = cached
    end = records[-1]
    assert end["event_type"] == "workflow_end"
    end["data"]["cached_tokens"] = 1536
    assert summarize_records(records).cached_tokens == 1536
    # An interrupted run (no workflow_end) still adds up its calls.
    assert summarize_records(records[:-1]).cached_tokens == 1536
