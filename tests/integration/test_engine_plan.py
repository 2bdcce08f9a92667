"""`plan`, `plan --force`, `run --force-plan` and the corrective retry (issue 2)."""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.plan_parser import load_plan
from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
    plan_md,
    request_key,
    run_cli,
)
from tests.llm_server import FakeLLMServer, file_answer

V1 = [T("1.1", ["a.py"], verify="test -f a.py")]
V2 = [T("1.1", ["b.py"], verify="test -f b.py"), T("1.2", ["c.py"], verify="test -f c.py")]
DUPLICATE = plan_md([T("1.1", ["a.py"], verify="test -f a.py"), T("1.1", ["b.py"], verify="x")])


def test_plan_writes_a_validated_plan(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    llm = scripted(script={"plan": file_answer({"PLAN.md": plan_md(V2)}, "Here it is.")})

    result = cli("plan", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("plan") == 1
    plan, _ = load_plan(root / "PLAN.md")
    assert [t.id for t in plan.tasks] == ["1.1", "1.2"]
    assert "Write PLAN.md now." in llm.calls["plan"][0].prompt_text
    assert "REQ-1" in llm.calls["plan"][0].prompt_text  # the spec went into the prompt
    (generated,) = events(check_trace(root, exit_code=0), "plan_generated")
    assert generated["data"]["attempts"] == 1


def test_an_invalid_answer_gets_exactly_one_corrective_call(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    llm = scripted(script={"plan": [DUPLICATE, plan_md(V2)]})

    result = cli("plan", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("plan") == 2
    corrective = llm.calls["plan"][1]
    assert request_key(corrective) == ("plan", "")
    last = corrective.messages[-1]["content"]
    assert "That PLAN.md cannot be used" in last
    assert "duplicate" in last.lower() and "1.1" in last
    assert corrective.messages[-2] == {"role": "assistant", "content": DUPLICATE}
    assert load_plan(root / "PLAN.md")[0].tasks[1].id == "1.2"


def test_a_second_invalid_answer_is_saved_and_exits_2(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    llm = scripted(script={"plan": [DUPLICATE, "no xml here at all"]})

    result = cli("plan", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 2, result.text
    assert llm.count("plan") == 2
    assert not (root / "PLAN.md").exists()
    (raw,) = (root / ".planning" / "raw").glob("*.md")
    assert raw.read_text().strip() == "no xml here at all"
    assert ".planning/raw/" in result.out
    check_trace(root, exit_code=2)


def test_plan_force_regenerates_and_plain_plan_keeps_without_a_tty(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, V1)
    llm = scripted(script={"plan": plan_md(V2)})
    env = fast_env(llm_server)

    # stdin is not a terminal: the safe default (keep) applies, nothing waits for input.
    proc = run_cli(["plan", "-p", str(root)], tmp_path, env, timeout=30)
    assert proc.returncode == 0
    assert "kept the existing PLAN.md" in proc.stdout
    assert (root / "PLAN.md").read_text() == plan_md(V1)
    assert llm_server.request_count == 0

    result = cli("plan", "-p", str(root), "--force", env=env)

    assert result.code == 0, result.text
    assert (root / "PLAN.md").read_text() == plan_md(V2)
    assert llm.count("plan") == 1

    # --yes answers the question "regenerate?" with yes.
    (root / "PLAN.md").write_text(plan_md(V1))
    result = cli("plan", "-p", str(root), "--yes", env=env)
    assert result.code == 0, result.text
    assert (root / "PLAN.md").read_text() == plan_md(V2)
    assert llm.count("plan") == 2


def test_run_force_plan_regenerates_then_executes_the_new_plan(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, V1)
    llm = scripted(V2, {"plan": plan_md(V2)})

    result = cli("run", "-p", str(root), "--force-plan", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"plan": 1, "1.1": 1, "1.2": 1}
    assert (root / "b.py").exists() and (root / "c.py").exists()
    assert not (root / "a.py").exists()


def test_execute_without_a_plan_exits_2_and_calls_nothing(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    proc = run_cli(["init", "fresh"], tmp_path)
    assert proc.returncode == 0
    proc = run_cli(["execute", "-p", "fresh"], tmp_path, fast_env(llm_server))
    assert proc.returncode == 2
    assert "PLAN.md" in proc.stdout + proc.stderr
    assert llm_server.request_count == 0
