"""Parallel waves (issue 3): overlap is measured on the server, never by wall clock."""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
    ok_answer,
    state_records,
    wait_for,
)
from tests.llm_server import FakeLLMServer, RecordedRequest

FOUR = [T(f"1.{n}", [f"m{n}.py"], verify=f"test -f m{n}.py") for n in range(1, 5)]


def test_parallel_4_has_four_requests_in_flight(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, FOUR)
    llm = scripted(FOUR, delay=1.5)  # long enough for all four to arrive, even on a busy box

    result = cli("run", "-p", str(root), "--parallel", "4", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm_server.max_in_flight == 4
    assert llm.counts() == dict.fromkeys(["1.1", "1.2", "1.3", "1.4"], 1)
    trace = check_trace(root, exit_code=0)  # every task-scoped event names its task
    for kind in ("task_start", "llm_call", "file_write", "verify_run", "task_end"):
        assert sorted(e["data"]["task_id"] for e in events(trace, kind)) == [
            "1.1",
            "1.2",
            "1.3",
            "1.4",
        ]
    # Spans: each task's events hang under that task's span.
    starts = {e["data"]["task_id"]: e["span_id"] for e in events(trace, "task_start")}
    for e in events(trace, "verify_run"):
        assert e["parent_span_id"] == starts[e["data"]["task_id"]]


def test_the_seeds_enable_parallel_execution_means_four(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, FOUR, dotenv={"ENABLE_PARALLEL_EXECUTION": "true"})
    scripted(FOUR, delay=1.5)

    result = cli("execute", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm_server.max_in_flight == 4


def test_default_is_one_at_a_time_in_plan_order(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, FOUR)
    llm = scripted(FOUR, delay=0.1)

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm_server.max_in_flight == 1
    assert [key for _, key in llm.order] == ["1.1", "1.2", "1.3", "1.4"]


def test_tasks_sharing_a_file_are_never_in_flight_together(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [
        T("1.1", ["shared.py", "a.py"], verify="test -f a.py"),
        T("1.2", ["shared.py", "b.py"], verify="test -f b.py"),
        T("1.3", ["c.py"], verify="test -f c.py"),
        T("1.4", ["d.py"], verify="test -f d.py"),
    ]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks, delay=1.0)

    result = cli("run", "-p", str(root), "--parallel", "4", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm_server.max_in_flight >= 2  # the others did overlap
    first, second = llm.calls["1.1"][0], llm.calls["1.2"][0]
    assert first.finished_at is not None and first.finished_at <= second.started_at
    trace = check_trace(root, exit_code=0)
    order = [(e["event_type"], e["data"]["task_id"]) for e in trace if "task_" in e["event_type"]]
    assert order.index(("task_end", "1.1")) < order.index(("task_start", "1.2"))
    # The later task owns the shared file's final content.
    assert (root / "shared.py").read_text() == "# task 1.2\nVALUE = '1.2'\n"


def test_cycles_and_unknown_dependencies_are_rejected_before_any_call(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    cycle = [
        T("1.1", ["a.py"], verify="true", depends_on=["1.3"]),
        T("1.2", ["b.py"], verify="true"),
        T("1.3", ["c.py"], verify="true", depends_on=["1.1"]),
    ]
    root = tmp_path / "cycle"
    make_project(root, cycle)
    scripted(cycle)

    result = cli("run", "-p", str(root), "--parallel", "4", env=fast_env(llm_server))

    assert result.code == 2
    assert "cycle" in result.out.lower()
    assert "1.1" in result.out and "1.3" in result.out
    check_trace(root, exit_code=2)

    unknown = [T("1.1", ["a.py"], verify="true", depends_on=["4.7"])]
    other = tmp_path / "unknown"
    make_project(other, unknown)
    result = cli("run", "-p", str(other), env=fast_env(llm_server))
    assert result.code == 2
    assert "4.7" in result.out and "1.1" in result.out
    assert llm_server.request_count == 0


def test_after_a_failure_nothing_new_starts_but_in_flight_tasks_finish(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [
        T("1.1", ["a.py"], verify="exit 1"),
        T("1.2", ["b.py"], verify="test -f b.py"),
        T("1.3", ["c.py"], verify="test -f c.py"),
        T("1.4", ["d.py"], verify="test -f d.py"),
    ]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks)

    def after_1_1_failed(_request: RecordedRequest) -> str:
        # 1.2 is still in flight when 1.1 fails: its answer waits for 1.1's failure.
        assert wait_for(lambda: "[✗] 1.1" in (root / "STATE.md").read_text(), 30)
        return ok_answer(tasks[1])

    llm.set("1.2", after_1_1_failed)

    result = cli("run", "-p", str(root), "--parallel", "2", env=fast_env(llm_server))

    assert result.code == 1
    assert llm.counts() == {"1.1": 1, "1.2": 1}
    records = state_records(root)
    assert records["1.1"].status is TaskStatus.FAILED
    assert records["1.2"].status is TaskStatus.PASSED  # finished and recorded
    assert "1.3" not in records and "1.4" not in records
    trace = check_trace(root, exit_code=1)
    end = trace[-1]["data"]
    assert (end["passed"], end["failed"], end["not_run"]) == (1, 1, 2)
    assert [e["data"]["task_id"] for e in events(trace, "task_end")][:2] == ["1.1", "1.2"]
