"""Edits instead of rewrites (DESIGN.md §12) and prompts a provider can cache (§13),
through litellm to the loopback server."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from sago_tui.config import load_settings
from sago_tui.core.dry_run import estimate_run
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from tests.integration.conftest import (
    PY,
    T,
    check_trace,
    events,
    fast_env,
    make_project,
    state_records,
)
from tests.llm_server import FakeLLMServer, Reply, file_answer

LINES = [f"def f{n}(x):\n    return x + {n}\n\n\n" for n in range(60)]
BIG = "".join(LINES)  # a 240-line module that a task extends
EXTEND = T(
    "1.1",
    ["big.py"],
    verify=f'{PY} -c "import big; assert big.double(2) == 4 and big.f59(1) == 60"',
    action="Add a function double(x) to big.py.",
)
ADD_DOUBLE = (
    "=== EDIT: big.py ===\n```python\n<<<<<<< SEARCH\ndef f59(x):\n    return x + 59\n=======\n"
    "def f59(x):\n    return x + 59\n\n\ndef double(x):\n    return 2 * x\n"
    ">>>>>>> REPLACE\n```\n"
)
WRONG_ANCHOR = ADD_DOUBLE.replace("return x + 59\n=======", "return x + 590\n=======")


def test_extending_a_file_is_answered_with_an_edit_that_is_applied(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [EXTEND], {"big.py": BIG})
    llm = scripted([EXTEND], {"1.1": ADD_DOUBLE})

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.order == [("task", "1.1")]
    system = llm.calls["1.1"][0].messages[0]["content"]
    assert "=== EDIT:" in system and "<<<<<<< SEARCH" in system  # offered (edit_format auto)
    text = (root / "big.py").read_text()
    added = "    return x + 59\n\n\ndef double(x):\n    return 2 * x\n"
    assert text == BIG.replace("    return x + 59\n", added)
    trace = check_trace(root, exit_code=0)
    (write,) = events(trace, "file_write")
    assert write["data"]["path"] == "big.py" and write["data"]["created"] is False
    assert "+def double(x):" in write["data"]["diff"]
    assert "-def f0" not in write["data"]["diff"]  # a diff of the change, not a rewrite


def test_a_non_matching_edit_gets_one_corrective_request_then_succeeds(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [EXTEND], {"big.py": BIG})
    llm = scripted([EXTEND], {"1.1": [WRONG_ANCHOR, ADD_DOUBLE]})

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("1.1") == 2
    correction = llm.calls["1.1"][1].messages
    assert correction[-2] == {"role": "assistant", "content": WRONG_ANCHOR}
    ask = correction[-1]["content"]
    assert "SEARCH block 1 of the EDIT for big.py" in ask and "not found" in ask
    assert "return x + 59" in ask  # the current content is shown again
    assert "def double" in (root / "big.py").read_text()
    trace = check_trace(root, exit_code=0)
    purposes = [e["data"]["purpose"] for e in events(trace, "llm_call")]
    assert purposes == ["task", "edit"]
    assert len(events(trace, "file_write")) == 1  # the failed edit wrote nothing


def test_edits_that_keep_failing_fall_back_to_the_whole_file(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [EXTEND], {"big.py": BIG})
    whole = file_answer({"big.py": BIG + "def double(x):\n    return 2 * x\n"})
    llm = scripted([EXTEND], {"1.1": [WRONG_ANCHOR, WRONG_ANCHOR, whole]})

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("1.1") == 3
    last = llm.calls["1.1"][2].messages[-1]["content"]
    assert "complete content of big.py as === FILE:" in last
    assert "def double" in (root / "big.py").read_text()


def test_edit_format_whole_asks_for_whole_files_only(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, [EXTEND], {"big.py": BIG}, toml='[llm]\nedit_format = "whole"\n')
    llm = scripted(
        [EXTEND], {"1.1": file_answer({"big.py": BIG + "def double(x):\n    return 2 * x\n"})}
    )

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert "=== EDIT:" not in llm.calls["1.1"][0].prompt_text


def test_task_prompts_share_a_byte_identical_prefix_and_cached_tokens_are_priced(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T(f"1.{n}", [f"m{n}.py"], verify=f"test -f m{n}.py") for n in range(1, 4)]
    root = tmp_path / "p"
    make_project(root, tasks)
    spec = "".join(
        f"* [ ] **REQ-{n}:** the system handles case {n} carefully.\n" for n in range(400)
    )
    (root / "REQUIREMENTS.md").write_text("# Requirements\n\n" + spec)
    llm = scripted(tasks)
    llm_server.prompt_cache = True  # answer like OpenAI's automatic prompt cache

    result = cli(
        "run", "-p", str(root), "--json", str(tmp_path / "r.json"), env=fast_env(llm_server)
    )

    assert result.code == 0, result.text
    requests = [llm.calls[t.id][0] for t in tasks]
    prefixes = [json.dumps(r.messages[:2]) for r in requests]
    assert prefixes[0] == prefixes[1] == prefixes[2]  # system text + IMPORTANT + spec
    assert "REQ-399" in requests[0].messages[1]["content"]
    assert "Write the files for task" not in requests[0].messages[1]["content"]
    assert "## Project tree" in requests[2].messages[2]["content"]  # per task, after it

    trace = check_trace(root, exit_code=0)
    calls = events(trace, "llm_call")
    cached = [c["data"]["cached_tokens"] for c in calls]
    assert cached[0] == 0 and all(n >= 1024 for n in cached[1:])
    # Priced at gpt-4o's cache-read cost (half the input price), not as fresh input.
    import litellm

    price = litellm.model_cost["gpt-4o"]
    for call in calls:
        data = call["data"]
        fresh = data["prompt_tokens"] - data["cached_tokens"]
        expected = (
            fresh * price["input_cost_per_token"]
            + data["cached_tokens"] * price["cache_read_input_token_cost"]
            + data["completion_tokens"] * price["output_cost_per_token"]
        )
        assert abs(data["cost_usd"] - expected) < 1e-9
    end = events(trace, "workflow_end")[0]["data"]
    assert end["cached_tokens"] == sum(cached)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["totals"]["cached_tokens"] == sum(cached)
    by_task = {t["id"]: t for t in report["tasks"]}
    assert by_task["1.2"]["cached_tokens"] == cached[1]
    assert f"({sum(cached):,} cached)" in result.text  # the headless summary line
    assert state_records(root)["1.3"].status.value == "passed"


def test_a_provider_that_needs_it_gets_a_cache_breakpoint_after_the_shared_part() -> None:
    from sago_tui.core.llm import LiteLLMClient
    from sago_tui.core.llm_types import LLMRequest
    from sago_tui.core.settings import LLMSettings

    messages = (("system", "rules"), ("user", "spec"), ("user", "task"))
    request = LLMRequest(messages=messages, purpose="task", task_id="1.1", cache_prefix=2)
    claude = LiteLLMClient(LLMSettings(provider="anthropic", model="claude-3-5-sonnet-latest"))
    wire = claude._messages(request)
    assert wire[1]["content"] == [
        {"type": "text", "text": "spec", "cache_control": {"type": "ephemeral"}}
    ]
    assert wire[0]["content"] == "rules" and wire[2]["content"] == "task"
    openai = LiteLLMClient(LLMSettings(provider="openai", model="gpt-4o"))
    assert all(isinstance(m["content"], str) for m in openai._messages(request))


def test_cached_tokens_from_a_plain_answer_reach_the_response(llm_server: FakeLLMServer) -> None:
    from sago_tui.core.llm import LiteLLMClient
    from sago_tui.core.llm_types import LLMRequest
    from tests.llm_server import settings_for

    llm_server.enqueue(Reply(content="ok", usage=(2000, 5), cached_tokens=1536))
    client = LiteLLMClient(settings_for(llm_server, stream=False))
    response = client.complete(LLMRequest(messages=(("user", "hi"),), purpose="task"))
    assert (response.prompt_tokens, response.cached_tokens) == (2000, 1536)
    assert response.cost_usd is not None


def test_the_dry_run_estimates_an_edit_from_the_file_size_and_the_cache_saving(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    tasks = [EXTEND, *(T(f"1.{n}", [f"m{n}.py"]) for n in range(2, 5))]
    root = tmp_path / "p"
    make_project(root, tasks, {"big.py": BIG})
    spec = "".join(
        f"* [ ] **REQ-{n}:** the system handles case {n} carefully.\n" for n in range(300)
    )
    (root / "REQUIREMENTS.md").write_text("# Requirements\n\n" + spec)
    project = Project.at(root)
    settings = load_settings(root)
    plan, _ = load_plan(project.plan_path)
    auto = estimate_run(project, settings, plan, model="gpt-4o")
    whole = estimate_run(
        project,
        dataclasses.replace(settings, llm=dataclasses.replace(settings.llm, edit_format="whole")),
        plan,
        model="gpt-4o",
    )
    edit_row, whole_row = auto.rows[0], whole.rows[0]
    size_tokens = len(BIG) // 4
    assert whole_row.output_tokens >= size_tokens  # a rewrite: the whole file back
    assert edit_row.output_tokens < size_tokens // 3  # an edit: a fraction of it
    assert auto.cacheable_tokens >= 3 * 1024  # tasks 2…4 share the spec prefix
    assert auto.cache_saving_usd is not None and auto.cache_saving_usd > 0

    result = cli("run", "-p", str(root), "--dry-run", env=fast_env(llm_server))
    assert result.code == 0, result.text
    assert "Prompt cache:" in result.out and "could save $" in result.out
    assert llm_server.request_count == 0
