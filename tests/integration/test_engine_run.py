"""`run` / `execute` end to end (issue 2): real files, real shell verify, real loopback LLM.

Each test drives the command line in this process (``cli`` fixture) against FakeLLMServer
through litellm, then reads the project the way a user would: its files, STATE.md,
``status``, and the trace.
"""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    PY,
    T,
    assert_no_secret,
    check_trace,
    events,
    fast_env,
    make_project,
    pid_alive,
    state_records,
    wait_for,
)
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply, file_answer


def test_one_call_per_task_files_verify_state_and_status(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [
        T("1.1", ["src/app.py"], verify="test -f src/app.py && grep -q VALUE src/app.py"),
        T("1.2", ["src/util.py", "README.txt"], verify="cat README.txt | grep -q 1.2"),
        T("1.10", ["src/late.py"], verify=f"cd src && {PY} -c 'import late'"),
    ]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks)

    result = cli("run", "-p", str(root), "--yes", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"1.1": 1, "1.2": 1, "1.10": 1}
    # Numeric id order (1.2 before 1.10), one call each.
    assert [key for _, key in llm.order] == ["1.1", "1.2", "1.10"]
    assert (root / "src/app.py").read_text() == "# task 1.1\nVALUE = '1.1'\n"
    assert (root / "README.txt").read_text().endswith("\n")
    records = state_records(root)
    assert {tid: r.status for tid, r in records.items()} == dict.fromkeys(
        ["1.1", "1.2", "1.10"], TaskStatus.PASSED
    )
    # A line per event and a summary.
    for line in ("▶ 1.1", "verify PASS", "✓ 1.10 passed", "Run summary", "3 passed"):
        assert line in result.out
    trace = check_trace(root, exit_code=0)
    assert len(events(trace, "llm_call")) == 3
    assert {e["data"]["task_id"] for e in events(trace, "verify_run")} == {"1.1", "1.2", "1.10"}
    assert trace[0]["data"]["total_tasks"] == 3

    status = cli("status", "-p", str(root), "-d")
    assert status.code == 0
    assert "3/3 passed, 0 failed" in status.out
    assert "✓ 1.10: Task 1.10" in status.out


def test_only_declared_paths_inside_the_project_are_written(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.py"], verify="test -f a.py")]
    root = tmp_path / "p"
    make_project(root, tasks)
    (root / ".git").mkdir()
    plan_before = (root / "PLAN.md").read_text()
    answer = file_answer(
        {
            "a.py": "A = 1\n",
            "undeclared.py": "X = 1\n",
            "../outside.txt": "escaped\n",
            ".git/config": "[core]\n",
            "PLAN.md": "hijacked\n",
            "/tmp/absolute-sago-test.txt": "abs\n",
        }
    )
    scripted(tasks, {"1.1": answer})

    result = cli("execute", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert (root / "a.py").read_text() == "A = 1\n"
    assert not (root / "undeclared.py").exists()
    assert not (tmp_path / "outside.txt").exists()
    assert not (root / ".git" / "config").exists()
    assert not Path("/tmp/absolute-sago-test.txt").exists()
    assert (root / "PLAN.md").read_text() == plan_before
    trace = check_trace(root, exit_code=0)
    refused = {e["data"]["path"] for e in events(trace, "file_refused")}
    assert len(refused) == 5, refused
    assert all(e["data"]["task_id"] == "1.1" for e in events(trace, "file_refused"))
    assert result.out.count("refused ") == 5
    assert [e["data"]["path"] for e in events(trace, "file_write")] == ["a.py"]


def test_failed_task_keeps_the_real_reason_and_is_shown_failed(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    verify = f"{PY} -c \"import sys; print('stdout-line'); sys.exit('BOOM: widget broken')\""
    tasks = [T("1.1", ["a.py"], verify=verify), T("1.2", ["b.py"], verify="test -f b.py")]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks)

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 1, result.text
    assert llm.counts() == {"1.1": 1}  # nothing new starts after a failure
    record = state_records(root)["1.1"]
    assert record.status is TaskStatus.FAILED
    assert "BOOM: widget broken" in record.error + "\n".join(record.detail)
    assert any("BOOM: widget broken" in line for line in record.detail)
    assert "1.2" not in state_records(root)  # never ran: not failed, not passed
    text = (root / "STATE.md").read_text()
    assert text.count("] 1.1:") == 1 and "[✗] 1.1" in text
    trace = check_trace(root, exit_code=1)
    end = trace[-1]["data"]
    assert (end["passed"], end["failed"], end["not_run"]) == (0, 1, 1)

    status = cli("status", "-p", str(root), "-d")
    assert "0/2 passed, 1 failed" in status.out
    assert "✗ 1.1" in status.out and "BOOM" in status.out
    assert "✓ 1.1" not in status.out

    # Fixing the code by hand and re-running: 1.1 re-runs (it failed), then 1.2.
    llm.set("1.1", file_answer({"a.py": "ok\n"}))
    tasks[0].verify = "test -f a.py"
    make_project(root, tasks)
    again = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert again.code == 0, again.text
    assert llm.counts() == {"1.1": 2, "1.2": 1}


def test_verify_timeout_kills_the_whole_process_group(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    verify = "sleep 30 & echo $! > bg.pid; sleep 30"
    tasks = [T("1.1", ["a.py"], verify=verify)]
    root = tmp_path / "p"
    make_project(root, tasks)
    scripted(tasks)

    # Unsandboxed: the PID written inside a sandbox would be a PID-namespace number.
    env = fast_env(llm_server, VERIFY_TIMEOUT="1", SAGO_SANDBOX="off")
    result = cli("run", "-p", str(root), env=env)

    assert result.code == 1
    pid = int((root / "bg.pid").read_text())
    assert wait_for(lambda: not pid_alive(pid), 5), "background child of verify survived"
    record = state_records(root)["1.1"]
    assert record.status is TaskStatus.FAILED and "timeout" in record.error
    (verify_event,) = events(check_trace(root, exit_code=1), "verify_run")
    assert verify_event["data"]["timed_out"] is True


def test_no_verify_skips_the_commands(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.py"], verify="touch ran-verify; exit 1")]
    root = tmp_path / "p"
    make_project(root, tasks)
    scripted(tasks)

    result = cli("run", "-p", str(root), "--no-verify", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert not (root / "ran-verify").exists()
    assert not events(check_trace(root, exit_code=0), "verify_run")


def test_max_retries_bounds_the_fix_attempts(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.txt"], verify="cat a.txt; exit 1")]
    root = tmp_path / "p"
    make_project(root, tasks)
    # Every answer fails differently, so only --max-retries stops the loop.
    answers = [file_answer({"a.txt": f"attempt {n}\n"}) for n in range(1, 9)]
    llm = scripted(tasks, {"1.1": answers})

    result = cli(
        "run", "-p", str(root), "--auto-retry", "--max-retries", "2", env=fast_env(llm_server)
    )

    assert result.code == 1
    assert llm.count("1.1") == 3  # the task call and two fixes
    assert [purpose for purpose, _ in llm.order] == ["task", "fix", "fix"]
    trace = check_trace(root, exit_code=1)
    fixes = events(trace, "fix_attempt")
    assert [f["data"]["outcome"] for f in fixes] == ["failed", "failed"]
    assert (root / "a.txt").read_text() == "attempt 3\n"

    # Without --auto-retry there is no fix call at all.
    llm.calls.clear()
    result = cli("run", "-p", str(root), "--max-retries", "5", env=fast_env(llm_server))
    assert result.code == 1 and llm.count("1.1") == 1


def test_continue_on_failure_runs_the_independent_tasks(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [
        T("1.1", ["a.txt"], verify="exit 1"),
        T("1.2", ["b.txt"], verify="test -f b.txt"),
        T("1.3", ["c.txt"], verify="test -f c.txt", depends_on=["1.1"]),
        T("1.4", ["d.txt"], verify="test -f d.txt"),
    ]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks)

    result = cli("run", "-p", str(root), "--continue-on-failure", env=fast_env(llm_server))

    assert result.code == 1
    assert llm.counts() == {"1.1": 1, "1.2": 1, "1.4": 1}
    records = state_records(root)
    assert records["1.1"].status is TaskStatus.FAILED
    assert records["1.2"].status is TaskStatus.PASSED
    assert records["1.4"].status is TaskStatus.PASSED
    assert records["1.3"].status is TaskStatus.SKIPPED
    assert "dependency 1.1 failed" in records["1.3"].error
    trace = check_trace(root, exit_code=1)
    (skip,) = events(trace, "task_skip")
    assert skip["data"]["task_id"] == "1.3"
    status = cli("status", "-p", str(root))
    assert "2/4 passed, 1 failed, 1 skipped" in status.out


def test_verify_runs_without_the_api_key_in_its_environment(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.py"], verify="env > seen-env.txt")]
    root = tmp_path / "p"
    make_project(root, tasks)
    scripted(tasks)

    env = fast_env(llm_server, OPENAI_API_KEY=TEST_API_KEY, MY_SERVICE_TOKEN="tok-123456789")
    result = cli("run", "-p", str(root), env=env)

    assert result.code == 0, result.text
    seen = (root / "seen-env.txt").read_text()
    assert "PATH=" in seen
    for leaked in (TEST_API_KEY, "LLM_API_KEY", "OPENAI_API_KEY", "tok-123456789"):
        assert leaked not in seen
    assert_no_secret(root, result.out, result.err)


def test_an_answer_cut_off_by_the_token_limit_is_an_error_not_a_short_file(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.py"], verify="test -f a.py")]
    root = tmp_path / "p"
    make_project(root, tasks)
    cut = Reply(
        content=file_answer({"a.py": "def f():\n    return 1\n"})[:30], finish_reason="length"
    )
    scripted(tasks, {"1.1": cut})

    result = cli("run", "-p", str(root), "--auto-retry", env=fast_env(llm_server))

    assert result.code == 1
    assert not (root / "a.py").exists()
    record = state_records(root)["1.1"]
    assert record.status is TaskStatus.FAILED and "truncated" in record.error
    assert llm_server.request_count == 1  # raising the token limit is the cure, not a retry
