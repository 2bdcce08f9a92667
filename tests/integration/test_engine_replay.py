"""The offline demo, `--record` and `--replay` (issue 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    T,
    assert_no_secret,
    check_trace,
    events,
    fast_env,
    make_project,
    plan_md,
    run_cli,
    state_records,
)
from tests.llm_server import TEST_API_KEY, FakeLLMServer, file_answer

TASKS = [
    T("1.1", ["src/a.txt"], verify="grep -q alpha src/a.txt"),
    T("1.2", ["src/b.txt"], verify="grep -q beta src/b.txt", depends_on=["1.1"]),
]


def test_demo_builds_offline_with_every_task_passed(tmp_path: Path) -> None:
    # No LLM settings at all, and an API base that would fail if anything were sent.
    env = {"LLM_API_BASE": "http://127.0.0.1:9/v1", "LLM_API_KEY": TEST_API_KEY}

    proc = run_cli(["demo", "demo-dir", "--headless"], tmp_path, env, timeout=120)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    root = tmp_path / "demo-dir"
    records = state_records(root)
    assert records and all(r.status is TaskStatus.PASSED for r in records.values())
    trace = check_trace(root, exit_code=0)
    end = trace[-1]["data"]
    assert end["passed"] == len(records) == end["total_tasks"]
    assert events(trace, "fix_attempt")  # the recorded fix really ran and was verified
    assert "fix #1 (test_failure): fixed" in proc.stdout
    assert_no_secret(root, proc.stdout, proc.stderr)


def test_replay_with_a_missing_answer_names_the_task_and_exits_3(tmp_path: Path, cli) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    cassette = tmp_path / "short.json"
    only_first = {
        "purpose": "task",
        "task_id": "1.1",
        "attempt": 1,
        "prompt_sha256": "",
        "response": {
            "content": file_answer({"src/a.txt": "alpha\n"}),
            "finish_reason": "stop",
            "prompt_tokens": 10,
            "completion_tokens": 5,
        },
    }
    cassette.write_text(json.dumps({"version": 1, "model": "gpt-4o", "interactions": [only_first]}))

    result = cli("run", "-p", str(root), "--replay", str(cassette))

    assert result.code == 3, result.text
    assert "no recorded answer for task 1.2" in result.out
    records = state_records(root)
    assert records["1.1"].status is TaskStatus.PASSED
    check_trace(root, exit_code=3)


def test_a_recorded_live_run_replays_with_zero_requests_and_the_same_results(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    live, replay = tmp_path / "live", tmp_path / "replay"
    make_project(live)  # no PLAN.md: the plan call is recorded too
    shutil.copytree(live, replay)
    llm = scripted(
        TASKS,
        {
            "plan": plan_md(TASKS),
            "1.1": file_answer({"src/a.txt": "alpha\n"}),
            # The first answer fails its verify; the fix passes.
            "1.2": [file_answer({"src/b.txt": "gamma\n"}), file_answer({"src/b.txt": "beta\n"})],
        },
    )
    cassette = tmp_path / "session.json"
    env = fast_env(llm_server)

    recorded = cli("run", "-p", str(live), "--auto-retry", "--record", str(cassette), env=env)

    assert recorded.code == 0, recorded.text
    assert llm.counts() == {"plan": 1, "1.1": 1, "1.2": 2}
    sent = llm_server.request_count
    data = json.loads(cassette.read_text())
    assert [(i["purpose"], i["task_id"], i["attempt"]) for i in data["interactions"]] == [
        ("plan", None, 1),
        ("task", "1.1", 1),
        ("task", "1.2", 1),
        ("fix", "1.2", 2),
    ]
    assert TEST_API_KEY not in cassette.read_text()

    replayed = cli("run", "-p", str(replay), "--auto-retry", "--replay", str(cassette), env=env)

    assert replayed.code == 0, replayed.text
    assert llm_server.request_count == sent  # nothing reached the server
    for name in ("PLAN.md", "src/a.txt", "src/b.txt"):
        assert (replay / name).read_text() == (live / name).read_text()
    statuses = {k: v.status for k, v in state_records(replay).items()}
    assert statuses == {k: v.status for k, v in state_records(live).items()}
    live_trace, replay_trace = check_trace(live, exit_code=0), check_trace(replay, exit_code=0)
    kinds = [e["event_type"] for e in live_trace]
    assert [e["event_type"] for e in replay_trace] == kinds
    assert_no_secret(replay, replayed.out, replayed.err)
