"""A prompt larger than the model's context window is refused before it is sent, by the
dry run (exit 2) and by the run (the task fails, zero requests reach the server)."""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.context_window import context_window
from tests.integration.conftest import T, check_trace, events, fast_env, make_project
from tests.llm_server import FakeLLMServer

# About 140,000 tokens: more than gpt-4o's 128,000-token window.
HUGE_ACTION = "lorem ipsum dolor sit amet " * 28_000
TASKS = [
    T("1.1", ["big.py"], verify="test -f big.py", action=HUGE_ACTION),
    T("1.2", ["small.py"], verify="test -f small.py"),
]


def test_the_window_comes_from_the_price_table() -> None:
    assert context_window("gpt-4o") == 128_000
    assert context_window("no-such-model") is None


def test_dry_run_refuses_a_prompt_larger_than_the_window(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    result = cli("run", "--dry-run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 2, result.text
    (line,) = result.err.strip().splitlines()
    assert line.startswith("sago-tui: error: the prompt of task 1.1 is ")
    assert "gpt-4o accepts 128,000: the run will refuse it" in line
    assert llm_server.request_count == 0


def test_run_refuses_the_oversized_task_without_a_call(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    llm = scripted(TASKS)
    result = cli("run", "-p", str(root), "--continue-on-failure", env=fast_env(llm_server))
    assert result.code == 1, result.text
    assert llm.counts() == {"1.2": 1}  # 1.1 never reached the server
    (line,) = [x for x in result.out.splitlines() if x.startswith("✗ 1.1")]
    assert "the task call of task 1.1 is" in line and "accepts 128,000: nothing was sent" in line
    trace = check_trace(root, exit_code=1)
    assert not [c for c in events(trace, "llm_call") if c["data"].get("task_id") == "1.1"]
