"""``--max-cost`` with ``--parallel``: calls in flight hold their estimates, but a run that
fits the budget once they settle is not stopped early."""

from __future__ import annotations

from pathlib import Path

import litellm
import pytest

from sago_tui.config import load_settings
from sago_tui.core.dry_run import estimate_run
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from tests.integration.conftest import T, check_trace, events, fast_env, make_project
from tests.llm_server import FakeLLMServer, Reply, file_answer

TASKS = [T(f"1.{n}", [f"m{n}.py"], verify=f"test -f m{n}.py") for n in range(1, 5)]
USAGE = (40, 10)  # the real calls are far cheaper than their estimates


def _setup(tmp_path: Path, llm_server: FakeLLMServer) -> tuple[Path, dict[str, str], float, float]:
    root = tmp_path / "p"
    make_project(root, TASKS)
    env = fast_env(llm_server)
    settings = load_settings(root, environ=env, user_config=tmp_path / "none.toml")
    project = Project.at(root)
    rows = estimate_run(project, settings, load_plan(project.plan_path)[0]).rows
    estimates = [row.cost_usd for row in rows]
    price = litellm.model_cost["gpt-4o"]
    actual = USAGE[0] * price["input_cost_per_token"] + USAGE[1] * price["output_cost_per_token"]
    return root, env, min(estimates), max(estimates) + actual


def test_parallel_run_waits_for_held_estimates_instead_of_stopping(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, env, smallest, largest = _setup(tmp_path, llm_server)
    price = litellm.model_cost["gpt-4o"]
    actual = USAGE[0] * price["input_cost_per_token"] + USAGE[1] * price["output_cost_per_token"]
    # Two estimates plus everything really spent fit; three estimates at once do not.
    budget = round(2 * largest + 4 * actual, 6)
    assert 3 * smallest > budget and 4 * actual < budget  # the scenario holds
    answers = {
        t.id: Reply(content=file_answer({f: "X = 1\n" for f in t.files}), usage=USAGE, delay=0.3)
        for t in TASKS
    }
    llm = scripted(TASKS, answers)

    result = cli("run", "-p", str(root), "--parallel", "3", "--max-cost", str(budget), env=env)

    assert result.code == 0, result.text
    assert llm.counts() == {t.id: 1 for t in TASKS}
    trace = check_trace(root, exit_code=0)
    assert not events(trace, "budget_stop")
    assert trace[-1]["data"]["cost_usd"] == pytest.approx(4 * actual, abs=1e-6)


def test_budget_message_names_spent_held_and_next(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    _root, env, smallest, _ = _setup(tmp_path, llm_server)
    root = _root
    budget = round(smallest * 0.5, 6)  # not even one call fits
    scripted(TASKS)

    result = cli("run", "-p", str(root), "--parallel", "3", "--max-cost", str(budget), env=env)

    assert result.code == 4, result.text
    assert f"spent $0.0000 of ${budget:.2f}" in result.text
    assert "the next call (task for task 1." in result.text
    assert llm_server.request_count == 0


def test_a_call_that_can_never_fit_names_what_calls_in_flight_hold(
    llm_server: FakeLLMServer,
) -> None:
    import threading

    from sago_tui.core.bus import EventBus
    from sago_tui.core.errors import BudgetExceeded
    from sago_tui.core.gateway import LLMGateway
    from sago_tui.core.llm import LiteLLMClient
    from sago_tui.core.llm_types import LLMRequest
    from tests.llm_server import settings_for

    llm_server.enqueue(Reply(content="slow", delay=1.0, usage=USAGE))
    gateway = LLMGateway(LiteLLMClient(settings_for(llm_server)), EventBus(), max_cost=1.0)

    def request(task_id: str) -> LLMRequest:
        return LLMRequest(messages=(("user", "go"),), purpose="task", task_id=task_id)

    first = threading.Thread(
        target=gateway.call, args=(request("1.1"),), kwargs={"agent": "A", "estimate_usd": 0.5}
    )
    first.start()
    try:
        assert llm_server.wait_for_requests(1, timeout=30)
        with pytest.raises(BudgetExceeded) as stopped:
            gateway.call(request("1.2"), agent="A", estimate_usd=1.2)
    finally:
        first.join(timeout=30)
    assert stopped.value.message == (
        "budget reached: spent $0.0000 of $1.00, $0.5000 held by calls in flight; "
        "the next call (task for task 1.2) is estimated at $1.2000"
    )
    assert llm_server.request_count == 1
