"""Messages that say what happened, once: retries, fatal errors, unreachable servers,
unknown providers and prices, failed tasks' real cost, SIGTERM during `plan`, every
PLAN.md error, terminal codes kept out of STATE.md, refused writes on record."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from sago_tui.core.errors import LLMError
from sago_tui.core.llm import LiteLLMClient
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.settings import LLMSettings
from tests.integration.conftest import (
    T,
    fast_env,
    make_project,
    plan_md,
    start_cli,
    state_records,
    wait_for,
)
from tests.llm_server import FakeLLMServer, Reply, file_answer

ONE = [T("1.1", ["a.py"], verify="test -f a.py")]


def test_a_retry_is_printed_once(tmp_path: Path, llm_server: FakeLLMServer, scripted, cli) -> None:
    root = tmp_path / "p"
    make_project(root, ONE)
    scripted(ONE, {"1.1": [Reply(status=500, error_message="busy"), file_answer({"a.py": "A\n"})]})
    env = fast_env(llm_server, LLM_RETRIES="1", LOG_LEVEL="INFO")
    result = cli("run", "-p", str(root), env=env)
    assert result.code == 0, result.text
    assert result.text.count("retrying in") == 1, result.text


def test_a_fatal_error_is_printed_once_per_stream(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, ONE)
    scripted(ONE, {"1.1": Reply(status=401, error_message="bad key")})
    result = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 3
    assert result.out.count("bad key") == 1, result.out
    assert result.err.count("bad key") == 1, result.err
    assert "result: stopped by the error of task 1.1 above (exit 3)" in result.out


def test_an_unreachable_server_is_named(tmp_path: Path, cli) -> None:
    root = tmp_path / "p"
    make_project(root, ONE)
    env = {"LLM_API_BASE": "http://127.0.0.1:9/v1", "LLM_API_KEY": "k", "LLM_RETRIES": "0"}
    result = cli("run", "-p", str(root), env=env)
    assert result.code == 3
    assert "(connecting to http://127.0.0.1:9/v1)" in result.err


def test_an_unknown_provider_is_one_line_naming_the_model() -> None:
    client = LiteLLMClient(LLMSettings(model="no-such-model-xyz", retries=0, timeout=30))
    request = LLMRequest(messages=(("user", "hi"),), purpose="task", task_id="1.1")
    with pytest.raises(LLMError) as raised:
        client.complete(request)
    message = raised.value.message
    assert "\n" not in message and "no-such-model-xyz" in message
    assert "provider/model" in message and "LLM_PROVIDER" in message
    assert raised.value.kind == "bad_request"


def test_plan_summary_of_an_unpriced_model_says_price_unknown(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    scripted(script={"plan": file_answer({"PLAN.md": plan_md(ONE)})})
    env = fast_env(llm_server, LLM_MODEL="my-local-model")
    result = cli("plan", "-p", str(root), env=env)
    assert result.code == 0, result.text
    summary = [line for line in result.out.splitlines() if " tokens · " in line]
    assert summary and "price unknown" in summary[-1] and "$0.0000" not in summary[-1]


def test_a_task_failing_after_its_call_shows_what_it_spent(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["a.py"], verify="false")]
    root = tmp_path / "p"
    make_project(root, tasks)
    bad_fix = Reply(status=400, error_message="the fix call failed")
    scripted(
        tasks,
        {"1.1": [Reply(content=file_answer({"a.py": "A\n"}), usage=(500, 50), delay=0.2), bad_fix]},
    )
    result = cli("run", "-p", str(root), "--auto-retry", env=fast_env(llm_server))
    assert result.code == 3, result.text
    (line,) = [x for x in result.out.splitlines() if x.startswith("✗ 1.1")]
    assert "550 tok" in line
    assert "(0.0s" not in line


def test_plan_exits_130_on_sigterm(tmp_path: Path, llm_server: FakeLLMServer, scripted) -> None:
    root = tmp_path / "p"
    make_project(root)
    scripted(script={"plan": Reply(content=file_answer({"PLAN.md": plan_md(ONE)}), delay=30)})
    proc = start_cli(["plan", "-p", str(root)], tmp_path, fast_env(llm_server))
    try:
        assert wait_for(lambda: llm_server.request_count >= 1, timeout=60)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130


def test_every_plan_error_is_listed(tmp_path: Path, cli) -> None:
    tasks = [T(f"1.{n}", [f"m{n}.py"], depends_on=[f"9.{n}"]) for n in range(1, 8)]
    root = tmp_path / "p"
    make_project(root, tasks)
    result = cli("run", "-p", str(root), env={"LLM_API_KEY": "k"})
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("sago-tui: error: PLAN.md has 7 errors: ")
    assert len(lines) == 7 and all(line.startswith("  - PLAN.md:") for line in lines[1:])
    for n in range(1, 8):
        assert f"9.{n}" in result.err


def test_state_md_keeps_no_terminal_codes(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    verify = r"printf '\033[31mFAILED\033[0m \033]0;title\007here\n'; exit 1"
    tasks = [T("1.1", ["a.py"], verify=verify)]
    root = tmp_path / "p"
    make_project(root, tasks)
    scripted(tasks)
    result = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 1
    text = (root / "STATE.md").read_text()
    assert "\x1b" not in text and "\x07" not in text
    assert "FAILED here" in text


def test_refused_writes_are_on_record(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, ONE)
    scripted(ONE, {"1.1": file_answer({"a.py": "A = 1\n", "evil.py": "import os\n"})})
    result = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 0, result.text
    record = state_records(root)["1.1"]
    assert len(record.refused) == 1 and record.refused[0].startswith("evil.py (")
    status = cli("status", "-p", str(root), "-d")
    assert "refused: evil.py (" in status.out
