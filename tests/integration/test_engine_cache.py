"""The per-project task cache (issue 3): what re-runs, what does not, and why."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
)
from tests.llm_server import FakeLLMServer

TASKS = [
    T("1.1", ["src/a.py"], verify="test -f src/a.py"),
    T("1.2", ["src/b.py"], verify="test -f src/b.py", depends_on=["1.1"]),
    T("1.3", ["src/c.py"], verify="test -f src/c.py"),
    T("1.4", ["src/d.py"], verify="test -f src/d.py", depends_on=["1.2"]),
]
IDS = ["1.1", "1.2", "1.3", "1.4"]


def _misses(root: Path) -> dict[str, str]:
    trace = check_trace(root)
    return {e["data"]["task_id"]: e["data"]["reason"] for e in events(trace, "cache_miss")}


def _first_run(tmp_path: Path, llm_server: FakeLLMServer, scripted, cli):
    root = tmp_path / "p"
    make_project(root, TASKS)
    llm = scripted(TASKS)
    result = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 0, result.text
    assert llm.counts() == dict.fromkeys(IDS, 1)
    llm.calls.clear()
    return root, llm


def test_an_unchanged_project_is_fully_cached(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, llm = _first_run(tmp_path, llm_server, scripted, cli)
    before = llm_server.request_count

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm_server.request_count == before
    for task_id in IDS:
        assert f"= {task_id} cached" in result.out
    assert "4 cached" in result.out
    trace = check_trace(root, exit_code=0)
    assert sorted(e["data"]["task_id"] for e in events(trace, "cache_hit")) == IDS
    assert not events(trace, "llm_call")

    # --no-cache re-runs everything.
    result = cli("run", "-p", str(root), "--no-cache", env=fast_env(llm_server))
    assert result.code == 0
    assert llm.counts() == dict.fromkeys(IDS, 1)


def test_a_changed_action_reruns_the_task_and_its_dependents_only(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, llm = _first_run(tmp_path, llm_server, scripted, cli)
    changed = [*TASKS]
    changed[1] = T("1.2", ["src/b.py"], verify="test -f src/b.py", depends_on=["1.1"], action="v2")
    make_project(root, changed)

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"1.2": 1, "1.4": 1}
    assert _misses(root) == {"1.2": "action changed", "1.4": "dependency 1.2 re-ran"}
    assert "1.2 runs: action changed" in result.out
    assert "1.4 runs: dependency 1.2 re-ran" in result.out


def test_an_edited_input_file_reruns_the_task_and_its_dependents_only(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, llm = _first_run(tmp_path, llm_server, scripted, cli)
    (root / "src/a.py").write_text("# edited by hand\n")

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"1.1": 1, "1.2": 1, "1.4": 1}
    assert _misses(root) == {
        "1.1": "input src/a.py changed",
        "1.2": "dependency 1.1 re-ran",
        "1.4": "dependency 1.2 re-ran",
    }
    # The LLM saw the hand edit in the task's context.
    assert "# edited by hand" in llm.calls["1.1"][0].prompt_text
    assert "1.1 runs: input src/a.py changed" in result.out


def test_a_changed_model_reruns_with_the_reason(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, llm = _first_run(tmp_path, llm_server, scripted, cli)

    result = cli("run", "-p", str(root), "--model", "gpt-4o-mini", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == dict.fromkeys(IDS, 1)
    assert _misses(root)["1.1"] == "model changed (was openai/gpt-4o)"
    assert {r.model for r in llm_server.requests[-4:]} == {"gpt-4o-mini"}


def test_a_corrupt_cache_entry_is_a_warning_not_fatal(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root, llm = _first_run(tmp_path, llm_server, scripted, cli)
    (root / ".planning" / "cache" / "1.3.json").write_text("{not json")

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.counts() == {"1.3": 1}
    assert "warning: ignoring unreadable cache entry 1.3.json" in result.out
    # Healed: the next run is fully cached again.
    result = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert result.code == 0 and "4 cached" in result.out
    assert llm.counts() == {"1.3": 1}


def test_a_task_passed_with_no_verify_is_verified_by_the_next_run(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    tasks = [T("1.1", ["b.py"], verify=""), T("1.2", ["a.py"], verify="exit 1")]
    root = tmp_path / "p"
    make_project(root, tasks)
    llm = scripted(tasks)
    assert cli("run", "-p", str(root), "--no-verify", env=fast_env(llm_server)).code == 0
    # Another --no-verify run may use the cache.
    assert cli("run", "-p", str(root), "--no-verify", env=fast_env(llm_server)).code == 0
    assert llm.counts() == {"1.1": 1, "1.2": 1}

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 1, result.text  # the failing verify is not hidden by the cache
    assert _misses(root) == {"1.2": "not verified yet (it passed with --no-verify)"}
    assert llm.counts() == {"1.1": 1, "1.2": 2}  # 1.1 has no verify: nothing to catch up on
    assert "= 1.1 cached" in result.out
