"""The side-by-side benchmark against sago 0.1.0: its workload, its loopback model, and
its honest "not measured" rows (the measurement itself runs in ``python -m benchmarks``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import cases_seed
from benchmarks.harness import Options
from benchmarks.projects import task_file
from sago_tui.core.plan_parser import load_plan
from tests.llm_server import RecordedRequest


def _request(prompt: str) -> RecordedRequest:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": prompt}]}
    return RecordedRequest("POST", "/v1/chat/completions", {}, body, 0.0)


def test_workload_is_independent_tasks_plus_one_dependent(tmp_path: Path) -> None:
    cases_seed.write_workload(tmp_path, 3)

    plan, issues = load_plan(tmp_path / "PLAN.md")

    assert [t.id for t in plan.tasks] == ["1.1", "1.2", "1.3", "1.4"]
    assert not [issue for issue in issues if issue.severity == "error"]
    last = plan.tasks[-1]
    # sago-tui reads depends_on; sago 0.1.0 infers the edge from task 1.1's file.
    assert last.depends_on == ["1.1"]
    assert last.files == [task_file("1.4"), task_file("1.1")]
    assert all(not t.depends_on for t in plan.tasks[:-1])


def test_loopback_model_answers_both_tools_prompts() -> None:
    fake = cases_seed.seed_server(0.0, "1.4")
    try:
        ours = fake.responder(_request("Write the files for task 1.2 (Write module 1.2) now."))
        seed = fake.responder(_request("=== TASK ===\nID: 1.4\nName: Write module 1.4\n"))
        neither = fake.responder(_request("Tell me a joke."))
    finally:
        fake.stop()

    assert f"=== FILE: {task_file('1.2')} ===" in ours.content
    assert task_file("1.1") not in ours.content
    # The dependent task lists task 1.1's file too, so its answer carries both.
    assert f"=== FILE: {task_file('1.4')} ===" in seed.content
    assert f"=== FILE: {task_file('1.1')} ===" in seed.content
    assert neither.status == 400


def test_quick_suite_never_installs_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> str:
        raise AssertionError("--quick must not install sago 0.1.0")

    monkeypatch.setattr(cases_seed, "install_seed", refuse)

    [figure] = cases_seed.versus_seed(Options(quick=True))

    assert figure.measured is None and figure.verdict == "n/a"
    assert "skipped with --quick" in figure.note


def test_an_install_that_fails_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases_seed, "CACHE", tmp_path / "seed")
    monkeypatch.setattr(cases_seed, "SEED", "sago==0.0.0")  # no such release
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # and no registry: fails fast, offline
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))

    [figure] = cases_seed.versus_seed(Options())

    assert figure.measured is None
    assert figure.note.startswith("cannot install sago==0.0.0")
    assert not (tmp_path / "seed" / ".complete").exists()
