"""Resume after kill -9, and Ctrl-C mid LLM call and mid verify (issue 3).

The CLI runs as a real subprocess; signals go to its pid. Time is only checked
coarsely: "stopped well before the 30 s the server / verify would have taken".
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    T,
    check_trace,
    fast_env,
    make_project,
    pid_alive,
    start_cli,
    state_records,
    wait_for,
)
from tests.llm_server import FakeLLMServer, Reply, file_answer

SLOW = 30.0


def _finish(proc: subprocess.Popen[str], timeout: float = 20) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def _leftover_temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*.tmp") if p.is_file()]


def test_a_run_killed_with_sigkill_resumes_without_redoing_passed_work(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [
        T("1.1", ["src/a.txt"], verify="grep -q alpha src/a.txt"),
        T("1.2", ["src/b.txt"], verify="test -f src/b.txt"),
        T("1.3", ["src/c.txt"], verify="test -f src/c.txt"),
    ]
    root = tmp_path / "p"
    make_project(root, tasks)
    b_answer = file_answer({"src/b.txt": "beta\n"})
    llm = scripted(
        tasks,
        {
            "1.1": file_answer({"src/a.txt": "alpha\n" * 1000}),
            "1.2": [Reply(content=b_answer, delay=SLOW), b_answer],
        },
    )
    proc = start_cli(["--headless", str(root)], tmp_path, fast_env(llm_server))
    try:
        assert wait_for(lambda: llm.count("1.2") == 1, 90), "task 1.2 never reached the server"
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()

    # What the killed run left behind is consistent.
    records = state_records(root)  # STATE.md still parses
    assert records["1.1"].status is TaskStatus.PASSED
    assert "1.2" not in records and "1.3" not in records
    assert (root / "src/a.txt").read_text() == "alpha\n" * 1000
    assert not (root / "src/b.txt").exists()
    assert not _leftover_temp_files(root)
    for line in (root / ".planning" / "trace.jsonl").read_text().splitlines():
        json.loads(line)  # every line written so far is whole

    result = cli("--headless", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"1.1": 1, "1.2": 2, "1.3": 1}  # 1.1 was not executed again
    assert "= 1.1 cached" in result.out
    assert all(r.status is TaskStatus.PASSED for r in state_records(root).values())
    check_trace(root, exit_code=0)


def test_ctrl_c_during_an_llm_call_stops_promptly_with_130(
    tmp_path: Path, llm_server: FakeLLMServer, scripted
) -> None:
    tasks = [T("1.1", ["a.txt"], verify="test -f a.txt"), T("1.2", ["b.txt"], verify="true")]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks, delay=SLOW)
    proc = start_cli(["--headless", str(root)], tmp_path, fast_env(llm_server))
    try:
        assert wait_for(lambda: llm.count("1.1") == 1, 90), "task 1.1 never reached the server"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code, out, err = _finish(proc)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert code == 130, out + err
    assert elapsed < SLOW / 3, f"took {elapsed:.1f}s to stop"
    assert llm.counts() == {"1.1": 1}
    trace = check_trace(root, exit_code=130)
    assert trace[-1]["data"]["not_run"] == 2
    assert "1.1" not in state_records(root)  # interrupted is not failed
    assert not (root / "a.txt").exists()


def test_ctrl_c_during_verify_kills_its_process_group_and_exits_130(tmp_path: Path) -> None:
    verify = "sh -c 'sleep 30 & echo $! > grandchild.pid; wait'"
    tasks = [T("1.1", ["a.txt"], verify=verify)]
    root = tmp_path / "p"
    make_project(root, tasks)
    cassette = tmp_path / "c.json"
    answer = {
        "purpose": "task",
        "task_id": "1.1",
        "attempt": 1,
        "prompt_sha256": "",
        "response": {
            "content": file_answer({"a.txt": "x\n"}),
            "finish_reason": "stop",
            "prompt_tokens": 100,
            "completion_tokens": 10,
        },
    }
    cassette.write_text(json.dumps({"version": 1, "model": "gpt-4o", "interactions": [answer]}))
    pid_file = root / "grandchild.pid"
    # --no-sandbox: the PID written inside a sandbox would be a PID-namespace number.
    args = ["--headless", str(root), "--replay", str(cassette), "--no-sandbox"]
    proc = start_cli(args, tmp_path)
    try:
        assert wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip() != "", 60)
        grandchild = int(pid_file.read_text())
        assert pid_alive(grandchild)
        sent = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        code, out, err = _finish(proc)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert code == 130, out + err
    assert elapsed < 10, f"took {elapsed:.1f}s to stop"
    assert wait_for(lambda: not pid_alive(grandchild), 5), "the verify's grandchild survived"
    check_trace(root, exit_code=130)
    assert "1.1" not in state_records(root)
