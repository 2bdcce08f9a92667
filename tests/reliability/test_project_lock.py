"""One writer per project: a second run stops at once, a dead holder's lock is taken over."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from sago_tui.commands.app_cmd import lock_for_app
from sago_tui.core.errors import ExitCode
from sago_tui.core.lock import LOCK_NAME, ProjectLocked, acquire, read_holder
from sago_tui.core.trace import read_trace
from tests.llm_server import FakeLLMServer, RecordedRequest, Reply
from tests.reliability.support import (
    file_answer,
    isolated_env,
    run_cli,
    run_headless,
    sago_command,
    server_env,
    task,
    task_of,
    write_project,
)


def _dead_pid() -> int:
    """A pid that belonged to a process that has exited (and was reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_second_holder_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    with acquire(planning, "run"), pytest.raises(ProjectLocked) as refused:
        acquire(planning, "plan")
    message = refused.value.message
    assert message.startswith(f"another sago-tui run (pid {os.getpid()}, started ")
    assert message.endswith(") is using this project")
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    with acquire(planning, "plan") as again:  # released: free again
        assert again.held


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    planning = tmp_path / ".planning"
    planning.mkdir()
    stale = {"pid": _dead_pid(), "command": "run", "started": "2026-01-01 00:00:00"}
    (planning / LOCK_NAME).write_text(json.dumps(stale))
    with acquire(planning, "run"):
        holder = read_holder(planning / LOCK_NAME)
        assert holder is not None and holder.pid == os.getpid() and holder.command == "run"


def test_two_runs_on_one_project_execute_each_task_once(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(tmp_path / "proj", [task("1.1", ["a.py"]), task("1.2", ["b.py"])])
    answers = {"1.1": {"a.py": "A = 1\n"}, "1.2": {"b.py": "B = 2\n"}}
    counts: dict[str, int] = {}

    def respond(request: RecordedRequest) -> Reply:
        task_id = task_of(request) or "?"
        counts[task_id] = counts.get(task_id, 0) + 1
        # Slow enough that the second run starts while the first holds the lock.
        return Reply(content=file_answer(answers[task_id]), delay=1.0)

    llm_server.responder = respond
    env = server_env(tmp_path, llm_server)
    first = subprocess.Popen(
        sago_command("--headless", str(project.root), "--yes"),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert llm_server.wait_for_requests(1, timeout=60), "the first run never called the LLM"
        second = run_headless(project, env, "--yes")
        out, err = first.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            first.kill()
    assert second.returncode == ExitCode.BAD_INPUT
    assert len(second.stderr.strip().splitlines()) == 1, second.stderr  # no traceback
    assert f"another sago-tui run (pid {first.pid}, started " in second.stderr
    assert first.returncode == 0, out + err
    assert counts == {"1.1": 1, "1.2": 1}
    # The trace of the one real run is whole: every line parses.
    latest = project.latest_trace_path
    lines = [line for line in latest.read_text().splitlines() if line.strip()]
    assert len(list(read_trace(latest))) == len(lines)


def test_app_opens_read_only_while_a_run_holds_the_project(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", [task("1.1", ["a.py"])])
    with acquire(project.planning_dir, "run"), contextlib.ExitStack() as stack:
        reason = lock_for_app(stack, project)
    assert reason.startswith("another sago-tui run (pid ")
    with contextlib.ExitStack() as stack:
        assert lock_for_app(stack, project) == ""  # free: the app holds it now
        with pytest.raises(ProjectLocked, match="another sago-tui app"):
            acquire(project.planning_dir, "run")


def test_plan_approve_is_refused_while_another_process_writes(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", [task("1.1", ["a.py"])])
    env = isolated_env(tmp_path)
    with acquire(project.planning_dir, "run"):
        refused = run_cli(["plan", "--approve", "-p", str(project.root)], env)
    assert refused.returncode == ExitCode.BAD_INPUT, refused.stdout + refused.stderr
    assert "is using this project" in refused.stderr
    assert not project.approval_path.exists()
    approved = run_cli(["plan", "--approve", "-p", str(project.root)], env)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert project.approval_path.exists()
