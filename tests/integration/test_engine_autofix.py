"""Auto-fix (issue 3): classified failures, targeted fix prompts, early stops."""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    PY,
    T,
    check_trace,
    events,
    fast_env,
    make_project,
    state_records,
)
from tests.llm_server import FakeLLMServer, file_answer

TEST_FILE = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
BUGGY = file_answer(
    {"calc.py": "def add(a, b):\n    return a - b\n", "tests/test_calc.py": TEST_FILE}
)
FIXED = file_answer({"calc.py": "def add(a, b):\n    return a + b\n"})
TASK = T(
    "1.1",
    ["calc.py", "tests/test_calc.py"],
    verify=f"{PY} -m pytest -q -p no:cacheprovider tests/test_calc.py",
    name="Add numbers",
)


def test_a_pytest_failure_is_fixed_with_a_targeted_prompt(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [TASK])
    llm = scripted([TASK], {"1.1": [BUGGY, FIXED]})

    result = cli("run", "-p", str(root), "--auto-retry", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert [purpose for purpose, _ in llm.order] == ["task", "fix"]
    fix_prompt = llm.calls["1.1"][1].messages[-1]["content"]
    assert "Error category: test_failure" in fix_prompt
    assert "assert -1 == 3" in fix_prompt  # the error lines
    assert "Verify output (tail):" in fix_prompt and "1 failed" in fix_prompt
    assert "return a - b" in fix_prompt  # the current file content
    assert (root / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
    assert state_records(root)["1.1"].status is TaskStatus.PASSED
    trace = check_trace(root, exit_code=0)
    verifies = events(trace, "verify_run")
    assert [v["data"]["category"] for v in verifies] == ["test_failure", ""]
    (fix,) = events(trace, "fix_attempt")
    assert fix["data"]["category"] == "test_failure" and fix["data"]["outcome"] == "fixed"
    (end,) = events(trace, "task_end")
    assert end["data"]["attempts"] == 2 and end["data"]["success"] is True


def test_the_same_failure_coming_back_stops_early(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [TASK])
    llm = scripted([TASK], {"1.1": [BUGGY]})  # every fix repeats the bug

    result = cli(
        "run", "-p", str(root), "--auto-retry", "--max-retries", "3", env=fast_env(llm_server)
    )

    assert result.code == 1
    assert llm.count("1.1") == 2  # fewer than the 4 calls --max-retries 3 allows
    (fix,) = events(check_trace(root, exit_code=1), "fix_attempt")
    assert fix["data"]["outcome"] == "gave_up"
    assert "same failure" in fix["data"]["reason"]
    record = state_records(root)["1.1"]
    assert record.status is TaskStatus.FAILED and "test_failure" in record.error


def test_an_incurable_error_is_not_retried(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    task = T("1.1", ["a.py"], verify="nonexistent-interpreter-xyz -c 1")
    root = tmp_path / "p"
    make_project(root, [task])
    llm = scripted([task])

    result = cli(
        "run", "-p", str(root), "--auto-retry", "--max-retries", "3", env=fast_env(llm_server)
    )

    assert result.code == 1
    assert llm.count("1.1") == 1
    (fix,) = events(check_trace(root, exit_code=1), "fix_attempt")
    assert fix["data"]["outcome"] == "gave_up"
    assert fix["data"]["category"] in ("missing_command", "missing_interpreter")
    assert "nonexistent-interpreter-xyz" in state_records(root)["1.1"].error


def test_a_missing_script_the_task_writes_is_still_curable(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    """Only a missing program that no file of the task can provide is incurable."""
    task = T("1.1", ["run.sh", "lib.sh"], verify="chmod +x run.sh 2>/dev/null; ./run.sh")
    root = tmp_path / "p"
    make_project(root, [task])
    forgot_the_script = file_answer({"lib.sh": "X=1\n"})
    llm = scripted([task], {"1.1": [forgot_the_script, file_answer({"run.sh": "exit 0\n"})]})

    result = cli("run", "-p", str(root), "--auto-retry", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("1.1") == 2
    (fix,) = events(check_trace(root, exit_code=0), "fix_attempt")
    assert fix["data"]["category"] == "missing_command" and fix["data"]["outcome"] == "fixed"
