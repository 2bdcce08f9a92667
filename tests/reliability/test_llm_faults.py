"""LLM faults during real runs: every fault ends in a retry or a clear task failure.

The loopback server injects the fault into the answer of one task; the run goes
through the real client stack (litellm → openai SDK → httpx → TCP). Whatever the
fault, the run returns (no crash), ``workflow_end`` is traced, STATE.md says why the
task failed, and no file of the task is written half-way: a pre-existing file keeps
its old content and a new file does not appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.errors import ExitCode
from sago_tui.core.project import Project
from sago_tui.core.state import TaskStatus
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    no_temp_files,
    run_in_process,
    state_of,
    task,
    trace_records,
    write_project,
)

OLD = "old = 'untouched'\n"
NEW_FILES = {"pkg/a.py": "A = 1\n" * 200, "pkg/b.py": "B = 2\n" * 200}
ANSWER = file_answer(NEW_FILES)


def _project(tmp_path: Path) -> Project:
    """One task writing pkg/a.py (which exists, with OLD content) and pkg/b.py (new)."""
    project = write_project(
        tmp_path / "p", [task("1.1", list(NEW_FILES), verify="test -f pkg/a.py")]
    )
    (project.root / "pkg").mkdir()
    (project.root / "pkg/a.py").write_text(OLD)
    return project


RECOVERABLE = {
    "429 with Retry-After": [Reply(status=429, headers={"Retry-After": "0"})],
    "500 server error": [Reply(status=500)],
    "503 with Retry-After": [Reply(status=503, headers={"Retry-After": "0"})],
    "reset mid-stream": [Reply(content=ANSWER, reset=True, chunk_chars=64)],
    "stream without [DONE]": [Reply(content=ANSWER, stream_cut=True, chunk_chars=64)],
    "invalid JSON": [Reply(invalid_json=True)],
    "two faults in a row": [Reply(status=500), Reply(content=ANSWER, reset=True)],
}


@pytest.mark.parametrize("faults", RECOVERABLE.values(), ids=list(RECOVERABLE))
def test_transient_fault_is_retried_and_the_task_passes(
    tmp_path: Path, llm_server: FakeLLMServer, faults: list[Reply]
) -> None:
    project = _project(tmp_path)
    llm_server.responder = TaskResponder({"1.1": [*faults, Reply(content=ANSWER)]})

    run = run_in_process(project, llm_server, retries=2)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert llm_server.request_count == len(faults) + 1
    for name, content in NEW_FILES.items():
        assert (project.root / name).read_text() == content
    assert state_of(project).records["1.1"].status == TaskStatus.PASSED
    assert no_temp_files(project.root) == []


PERSISTENT = {
    "500 server error": (Reply(status=500), "server"),
    "429 rate limit": (Reply(status=429, headers={"Retry-After": "0"}), "rate_limit"),
    "reset mid-stream": (Reply(content=ANSWER, reset=True, chunk_chars=64), "unreachable"),
    "stream without [DONE]": (Reply(content=ANSWER, stream_cut=True), "bad_response"),
    "invalid JSON": (Reply(invalid_json=True), "bad_response"),
}


@pytest.mark.parametrize(("fault", "kind"), PERSISTENT.values(), ids=list(PERSISTENT))
def test_persistent_provider_fault_fails_the_task_cleanly(
    tmp_path: Path, llm_server: FakeLLMServer, fault: Reply, kind: str
) -> None:
    project = _project(tmp_path)
    llm_server.responder = TaskResponder({"1.1": fault})

    run = run_in_process(project, llm_server, retries=2)

    assert run.result.exit_code == ExitCode.PROVIDER_ERROR
    assert llm_server.request_count == 3  # the first try and two retries, then a clear stop
    assert f"({kind})" in run.result.reason and "after 3 attempts" in run.result.reason
    # Nothing of the task reached the disk: the old file is intact, the new one absent.
    assert (project.root / "pkg/a.py").read_text() == OLD
    assert not (project.root / "pkg/b.py").exists()
    assert no_temp_files(project.root) == []
    record = state_of(project).records["1.1"]
    assert record.status == TaskStatus.FAILED and f"({kind})" in record.error
    records = trace_records(project)
    errors = [r for r in records if r["event_type"] == "error"]
    assert errors and errors[0]["data"]["error_type"] == f"llm_{kind}"
    assert errors[0]["data"]["task_id"] == "1.1"
    assert records[-1]["event_type"] == "workflow_end"
    assert records[-1]["data"]["exit_code"] == ExitCode.PROVIDER_ERROR


BAD_ANSWERS = {
    "no files": (Reply(content="Sure! I would start by writing a package."), "no_files"),
    "cut by the token limit": (Reply(content=ANSWER, finish_reason="length"), "truncated"),
    "unclosed fence": (
        Reply(content="=== FILE: pkg/a.py ===\n```python\nA = 1\n"),
        "no_files",
    ),
    "only undeclared files": (Reply(content=file_answer({"other.py": "x = 1\n"})), "no_files"),
}


@pytest.mark.parametrize(("answer", "category"), BAD_ANSWERS.values(), ids=list(BAD_ANSWERS))
def test_unusable_answer_fails_the_task_without_writing(
    tmp_path: Path, llm_server: FakeLLMServer, answer: Reply, category: str
) -> None:
    project = _project(tmp_path)
    llm_server.responder = TaskResponder({"1.1": answer})

    run = run_in_process(project, llm_server)

    assert run.result.exit_code == ExitCode.TASK_FAILED
    assert llm_server.request_count == 1  # an answer that arrived is not a provider fault
    assert (project.root / "pkg/a.py").read_text() == OLD
    assert not (project.root / "pkg/b.py").exists()
    assert not (project.root / "other.py").exists()
    assert no_temp_files(project.root) == []
    record = state_of(project).records["1.1"]
    assert record.status == TaskStatus.FAILED
    assert record.error.startswith(f"{category}: ")
    (end,) = [r for r in trace_records(project) if r["event_type"] == "task_end"]
    assert end["data"]["success"] is False and end["data"]["error"] == record.error
    assert trace_records(project)[-1]["event_type"] == "workflow_end"


def test_truncated_answer_is_not_sent_back_for_a_fix(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """A cut answer cannot be cured by a fix prompt: the loop gives up at once."""
    project = _project(tmp_path)
    llm_server.responder = TaskResponder({"1.1": Reply(content=ANSWER, finish_reason="length")})

    run = run_in_process(project, llm_server, auto_retry=True, max_retries=3)

    assert run.result.exit_code == ExitCode.TASK_FAILED
    assert llm_server.request_count == 1
    (fix,) = run.of_type("fix_attempt")
    assert fix.outcome == "gave_up"  # type: ignore[attr-defined]
    assert (project.root / "pkg/a.py").read_text() == OLD


def test_answer_without_files_gets_a_fix_prompt_that_can_succeed(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    project = _project(tmp_path)
    llm_server.responder = TaskResponder(
        {"1.1": [Reply(content="I cannot see any files."), Reply(content=ANSWER)]}
    )

    run = run_in_process(project, llm_server, auto_retry=True, max_retries=2)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert llm_server.request_count == 2
    assert "(fix attempt 1)" in llm_server.requests[1].prompt_text
    assert (project.root / "pkg/b.py").read_text() == NEW_FILES["pkg/b.py"]


def test_provider_failure_mid_plan_stops_then_resumes_without_redoing(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """Task 1.2 hits a dead provider: 1.1 stays passed, 1.3 never starts; the next
    run (provider healthy) asks only for 1.2 and 1.3."""
    tasks = [task("1.1", ["a.py"]), task("1.2", ["b.py"]), task("1.3", ["c.py"])]
    project = write_project(tmp_path / "p", tasks)
    answers = {tid: Reply(content=file_answer({f"{n}.py": f"{n} = 1\n"})) for tid, n in
               (("1.1", "a"), ("1.2", "b"), ("1.3", "c"))}  # fmt: skip
    responder = TaskResponder({**answers, "1.2": Reply(status=500)})
    llm_server.responder = responder

    first = run_in_process(project, llm_server, retries=1)

    assert first.result.exit_code == ExitCode.PROVIDER_ERROR
    assert responder.counts == {"1.1": 1, "1.2": 2}
    assert first.result.outcomes["1.3"].status == "not_run"
    records = state_of(project).records
    assert records["1.1"].status == TaskStatus.PASSED
    assert records["1.2"].status == TaskStatus.FAILED and "1.3" not in records
    assert not (project.root / "b.py").exists()

    responder.replies["1.2"] = answers["1.2"]
    second = run_in_process(project, llm_server, retries=1)

    assert second.result.exit_code == ExitCode.OK, second.result.reason
    assert responder.counts == {"1.1": 1, "1.2": 3, "1.3": 1}
    assert second.result.outcomes["1.1"].status == "cached"
    assert {tid: r.status for tid, r in state_of(project).records.items()} == {
        "1.1": TaskStatus.PASSED,
        "1.2": TaskStatus.PASSED,
        "1.3": TaskStatus.PASSED,
    }
