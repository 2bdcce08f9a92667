"""`sago-tui --headless` and the exit codes of DESIGN.md §2 (issue 2).

The CLI runs as a real subprocess (``python -m sago_tui``, stdin closed) where the
process boundary matters; the provider-error cases run in-process (same ``main``) to
avoid paying the litellm import once per case.
"""

from __future__ import annotations

from pathlib import Path

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
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply

TASKS = [
    T("1.1", ["pkg/__init__.py"], verify="test -f pkg/__init__.py"),
    T("2.1", ["pkg/core.py"], verify="grep -q VALUE pkg/core.py", depends_on=()),
]
PHASES = [("Phase 1: Setup", TASKS[:1]), ("Phase 2: Core", TASKS[1:])]


def test_headless_plans_executes_verifies_and_exits_0(
    tmp_path: Path, llm_server: FakeLLMServer, scripted
) -> None:
    root = tmp_path / "p"
    make_project(root)  # no PLAN.md: headless plans first
    llm = scripted(PHASES, {"plan": plan_md(PHASES)})

    proc = run_cli(["--headless", str(root)], tmp_path, fast_env(llm_server))

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert llm.counts() == {"plan": 1, "1.1": 1, "2.1": 1}
    assert (root / "PLAN.md").read_text() == plan_md(PHASES)
    out = proc.stdout
    for line in ("plan: 2 phases, 2 tasks", "▶ 1.1", "✓ 1.1 passed", "✓ 2.1 passed"):
        assert line in out
    assert "Run summary" in out and "2 passed" in out
    assert "\x1b[" not in out  # no ANSI codes when stdout is not a terminal
    trace = check_trace(root, exit_code=0)
    assert events(trace, "plan_generated")
    assert_no_secret(root, proc.stdout, proc.stderr)


def test_bad_input_exits_2_before_any_llm_call(
    tmp_path: Path, llm_server: FakeLLMServer, scripted
) -> None:
    llm = scripted(TASKS)
    env = fast_env(llm_server)

    # Not a project.
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli(["--headless", str(empty)], tmp_path, env)
    assert proc.returncode == 2
    assert "not a sago-tui project" in proc.stderr and proc.stderr.count("\n") == 1

    # A broken PLAN.md: named line and task, one line, nothing sent.
    broken = tmp_path / "broken"
    bad_plan = (
        plan_md(TASKS)
        .replace('depends_on=""', "")
        .replace('<task id="2.1">', '<task id="2.1" depends_on="9.9">')
    )
    make_project(broken, bad_plan)
    proc = run_cli(["--headless", str(broken)], tmp_path, env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "9.9" in proc.stdout and "2.1" in proc.stdout
    check_trace(broken, exit_code=2)

    # A bad config value: one line naming the key and where it came from.
    badcfg = tmp_path / "badcfg"
    make_project(badcfg, TASKS, toml="[run]\nparallel = 0\n")
    proc = run_cli(["run", "-p", str(badcfg)], tmp_path, env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "sago.toml" in proc.stderr
    assert "parallel" in proc.stderr

    proc = run_cli(["run", "-p", str(badcfg), "--parallel", "two"], tmp_path, env)
    assert proc.returncode == 2 and "--parallel" in proc.stderr

    assert llm_server.request_count == 0
    assert llm.counts() == {}


def test_auth_error_exits_3_without_retrying_and_keeps_the_key_secret(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    llm_server.responder = lambda _r: Reply(
        status=401, error_message=f"Incorrect API key provided: {TEST_API_KEY}"
    )

    result = cli("run", "-p", str(root), env=fast_env(llm_server, LLM_RETRIES="3"))

    assert result.code == 3, result.text
    assert llm_server.request_count == 1  # auth errors are not retried
    assert "auth" in result.out.lower() or "401" in result.out
    trace = check_trace(root, exit_code=3)
    assert events(trace, "error")
    record = state_records(root)["1.1"]
    assert record.status.value == "failed"  # a call was made for it; it did not pass
    assert "2.1" not in state_records(root)
    assert_no_secret(root, result.out, result.err)


def test_persistent_server_error_exits_3_after_the_retries(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    llm_server.responder = lambda _r: Reply(status=500, headers={"Retry-After": "0"})

    result = cli("execute", "-p", str(root), env=fast_env(llm_server, LLM_RETRIES="2"))

    assert result.code == 3, result.text
    assert llm_server.request_count == 3  # one try and two retries
    check_trace(root, exit_code=3)
    assert_no_secret(root, result.out, result.err)


def test_an_unreachable_provider_exits_3(tmp_path: Path, cli) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = tmp_path / "p"
    make_project(root, TASKS)
    env = {
        "LLM_API_BASE": f"http://127.0.0.1:{port}/v1",
        "LLM_API_KEY": TEST_API_KEY,
        "LLM_RETRIES": "0",
    }

    result = cli("--headless", str(root), env=env)

    assert result.code == 3, result.text
    check_trace(root, exit_code=3)
    assert_no_secret(root, result.out, result.err)
