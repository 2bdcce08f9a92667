"""Cost before spending (issue 3): `run --dry-run`, recorded costs, `--max-cost`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sago_tui.config import load_settings
from sago_tui.core.dry_run import RunEstimate, estimate_run
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.state import TaskStatus
from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
    state_records,
)
from tests.llm_server import FakeLLMServer, Reply, file_answer

PHASES = [
    ("Phase 1: Base", [T("1.1", ["src/a.py"], verify="test -f src/a.py")]),
    (
        "Phase 2: More",
        [
            T("2.1", ["src/b.py", "src/c.py"], verify="test -f src/b.py"),
            T("2.2", ["src/d.py"], verify="test -f src/d.py"),
        ],
    ),
]
TASKS = [t for _, tasks in PHASES for t in tasks]


def _estimate(root: Path, env: dict[str, str], tmp_path: Path, **flags: object) -> RunEstimate:
    project = Project.at(root)
    settings = load_settings(
        root, flags=flags, environ=env, user_config=tmp_path / "no-user-config.toml"
    )
    plan = load_plan(project.plan_path)[0] if project.plan_path.exists() else None
    return estimate_run(project, settings, plan)


def _money(value: float | None) -> str:
    return f"${value:.4f}"


def test_dry_run_prints_real_prompt_counts_and_makes_no_calls(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import litellm

    root = tmp_path / "p"
    make_project(root, PHASES, files={"src/b.py": "# existing\n" * 40})
    llm = scripted(TASKS)
    env = fast_env(llm_server)

    result = cli("run", "-p", str(root), "--dry-run", env=env)

    assert result.code == 0, result.text
    assert llm_server.request_count == 0
    estimate = _estimate(root, env, tmp_path)
    assert estimate.model == "openai/gpt-4o" and estimate.exact_tokens and estimate.price_known
    assert "counted with o200k_base" in result.out
    total = (
        f"Total: {estimate.input_tokens:,} input + {estimate.output_tokens:,} expected output "
        f"tokens · {_money(estimate.cost_usd)}"
    )
    assert total in result.out
    assert "Per phase" in result.out
    for name, inp, out, cost in estimate.phase_totals():
        assert re.search(rf"{re.escape(name)}\s.*{inp:,}\s.*{out:,}\s.*\{_money(cost)}", result.out)
    for row in estimate.rows:
        assert re.search(
            rf"{row.task_id}\s.*{row.input_tokens:,}\s.*{row.output_tokens:,}", result.out
        )
        # Priced from litellm's own table.
        price = litellm.model_cost["gpt-4o"]
        expected = (
            row.input_tokens * price["input_cost_per_token"]
            + row.output_tokens * price["output_cost_per_token"]
        )
        assert row.cost_usd == pytest.approx(expected, rel=1e-9)
    # An existing file is expected back at its size; a new one at the default.
    rows = {row.task_id: row for row in estimate.rows}
    assert rows["2.1"].output_tokens > rows["2.2"].output_tokens

    # The prompts a real run sends count (exactly, by litellm's tiktoken counter) what
    # the dry run said, within the few tokens of per-message overhead.
    run = cli("run", "-p", str(root), env=env)
    assert run.code == 0, run.text
    # The product turns litellm's own counter off (it counts itself); as an independent
    # referee here it is switched back on.
    monkeypatch.setattr(litellm, "disable_token_counter", False)
    for task_id, row in rows.items():
        (request,) = llm.calls[task_id]
        real = litellm.token_counter(model="gpt-4o", messages=request.messages)
        assert abs(real - row.input_tokens) <= 25, (task_id, real, row.input_tokens)

    # Passed tasks cost nothing in the next estimate.
    again = cli("run", "-p", str(root), "--dry-run", env=env)
    assert "3 cached task(s) cost nothing" in again.out


def test_dry_run_of_an_unknown_model_says_price_unknown(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, PHASES)
    args = ["--model", "openai/my-local-model", "--api-base", llm_server.base_url]

    result = cli("run", "-p", str(root), "--dry-run", *args, env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert "price unknown" in result.out
    assert "approximated" in result.out  # no tokenizer known for it either
    assert llm_server.request_count == 0


def test_dry_run_without_a_plan_estimates_plan_generation(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    env = fast_env(llm_server)

    result = cli("run", "-p", str(root), "--dry-run", env=env)

    assert result.code == 0, result.text
    (row,) = _estimate(root, env, tmp_path).rows
    assert row.task_id == "plan" and row.input_tokens > 0
    assert "Generate PLAN.md" in result.out and "No PLAN.md yet" in result.out
    assert f"{row.input_tokens:,}" in result.out
    assert llm_server.request_count == 0
    assert not (root / "PLAN.md").exists()


def test_real_runs_record_tokens_and_cost_and_show_estimate_vs_actual(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    import litellm

    root = tmp_path / "p"
    make_project(root, PHASES)
    answers = {
        t.id: Reply(content=file_answer({f: "X = 1\n" for f in t.files}), usage=(1000, 200))
        for t in TASKS
    }
    scripted(TASKS, answers)

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    trace = check_trace(root, exit_code=0)
    price = litellm.model_cost["gpt-4o"]
    call_cost = 1000 * price["input_cost_per_token"] + 200 * price["output_cost_per_token"]
    calls = events(trace, "llm_call")
    assert len(calls) == 3
    for call in calls:
        assert (call["data"]["prompt_tokens"], call["data"]["completion_tokens"]) == (1000, 200)
        assert call["data"]["cost_usd"] == pytest.approx(call_cost)
    for end in events(trace, "task_end"):
        data = end["data"]
        assert data["total_tokens"] == 1200
        assert data["cost_usd"] == pytest.approx(call_cost, abs=1e-6)
        assert data["estimated_cost_usd"] > 0
        # The summary row shows the estimate next to the actual cost.
        row = re.search(rf"^{data['task_id']}\s.*$", result.out, re.MULTILINE)
        assert row is not None
        assert _money(data["estimated_cost_usd"]) in row.group(0)
        assert _money(data["cost_usd"]) in row.group(0)
    workflow_end = trace[-1]["data"]
    assert workflow_end["total_tokens"] == 3600
    assert workflow_end["cost_usd"] == pytest.approx(3 * call_cost, abs=1e-5)


def test_max_cost_stops_before_the_call_that_would_cross_the_budget(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    import litellm

    tasks = [T("1.1", ["a.py"], verify="test -f a.py"), T("1.2", ["b.py"], verify="test -f b.py")]
    root = tmp_path / "p"
    make_project(root, tasks)
    env = fast_env(llm_server)
    first, second = _estimate(root, env, tmp_path).rows
    price = litellm.model_cost["gpt-4o"]
    spent = 1000 * price["input_cost_per_token"] + 500 * price["output_cost_per_token"]
    budget = round(spent + second.cost_usd / 2, 6)
    assert first.cost_usd < budget < spent + second.cost_usd  # the scenario holds
    llm = scripted(
        tasks, {"1.1": Reply(content=file_answer({"a.py": "A = 1\n"}), usage=(1000, 500))}
    )

    result = cli("run", "-p", str(root), "--max-cost", str(budget), env=env)

    assert result.code == 4, result.text
    assert llm.counts() == {"1.1": 1}
    assert "budget reached" in result.out
    trace = check_trace(root, exit_code=4)
    (stop,) = events(trace, "budget_stop")
    assert stop["data"]["task_id"] == "1.2"
    assert stop["data"]["max_cost_usd"] == pytest.approx(budget)
    assert stop["data"]["spent_usd"] == pytest.approx(spent, abs=1e-6)
    records = state_records(root)
    assert records["1.1"].status is TaskStatus.PASSED
    assert "1.2" not in records  # not run, and never marked failed


def test_max_cost_also_guards_the_plan_call(tmp_path: Path, llm_server: FakeLLMServer, cli) -> None:
    root = tmp_path / "p"
    make_project(root)  # no PLAN.md: the first call would be the plan

    result = cli("--headless", str(root), "--max-cost", "0.0001", env=fast_env(llm_server))

    assert result.code == 4, result.text
    assert llm_server.request_count == 0
    (stop,) = events(check_trace(root, exit_code=4), "budget_stop")
    assert stop["data"]["purpose"] == "plan"
    assert not (root / "PLAN.md").exists()
