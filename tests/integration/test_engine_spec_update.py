"""Spec drift, `plan --update` with <keep>, and requirement traceability, end to end.

The LLM is the loopback server reached through litellm; projects are real directories.
"""

from __future__ import annotations

import json
from pathlib import Path

from sago_tui.core.plan_keep import task_sources
from sago_tui.core.plan_parser import load_plan
from sago_tui.export.summary import summarize_records
from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
)
from tests.llm_server import FakeLLMServer

REQS = "# Requirements\n\n* [ ] **REQ-1:** Module a exists.\n* [ ] **REQ-2:** Module b exists.\n"


def task(task_id: str, files: list[str], reqs: str, deps: str = "", action: str = "") -> str:
    dep = f' depends_on="{deps}"' if deps else ""
    verify = " && ".join(f"test -f {name}" for name in files)
    return (
        f'    <task id="{task_id}"{dep} reqs="{reqs}">\n'
        f"      <name>Task {task_id}</name>\n"
        f"      <files>{', '.join(files)}</files>\n"
        f"      <action>{action or 'Write ' + ', '.join(files) + '.'}</action>\n"
        f"      <verify>{verify.replace('&', '&amp;')}</verify>\n"
        "      <done>done</done>\n"
        "    </task>\n"
    )


def plan_text(*phases: tuple[str, list[str]]) -> str:
    body = "".join(
        f'  <phase name="{name}">\n' + "".join(tasks) + "  </phase>\n" for name, tasks in phases
    )
    return f"# Plan\n\n```xml\n<phases>\n{body}</phases>\n```\n"


FIRST = plan_text(
    (
        "Phase 1: Build",
        [
            task("1.1", ["a.py"], "REQ-1"),
            task("1.2", ["b.py"], "REQ-2"),
            task("1.3", ["c.py"], "REQ-2", deps="1.2"),
        ],
    )
)
TASKS = [T("1.1", ["a.py"]), T("1.2", ["b.py"]), T("1.3", ["c.py"]), T("2.1", ["d.py"])]


def built(root: Path, llm_server: FakeLLMServer, scripted, cli):
    """A project planned and fully run once; returns the scripted LLM."""
    make_project(root)
    (root / "REQUIREMENTS.md").write_text(REQS)
    llm = scripted(TASKS, {"plan": FIRST})
    assert cli("plan", "-p", str(root), env=fast_env(llm_server)).code == 0
    first = cli("run", "-p", str(root), env=fast_env(llm_server))
    assert first.code == 0, first.text
    return llm


def test_a_first_plan_keeps_a_snapshot_and_a_run_ticks_done_requirements(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    built(root, llm_server, scripted, cli)

    snapshot = root / ".planning" / "spec-snapshot"
    assert (snapshot / "REQUIREMENTS.md").read_text() == REQS
    assert (snapshot / "PROJECT.md").read_text() == (root / "PROJECT.md").read_text()
    reqs = (root / "REQUIREMENTS.md").read_text()
    assert reqs == REQS.replace("[ ]", "[x]")  # only the marks changed
    assert "requirements: 2/2 done" in cli.history[-1].out
    assert "REQUIREMENTS.md: ticked REQ-1, REQ-2" in cli.history[-1].out
    status = cli("status", "-p", str(root), "-d", env=fast_env(llm_server))
    assert "Requirements  2/2 done" in status.out
    assert "REQ-2: Module b exists.  (1.2 passed, 1.3 passed)" in status.out
    assert "spec changed" not in status.out  # ticked boxes are not a change
    brief = cli("status", "-p", str(root), env=fast_env(llm_server))
    assert "Requirements  2/2 done (-d lists them)" in brief.out and "REQ-2:" not in brief.out


def test_drift_is_named_per_requirement_and_file_by_status_and_run(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    (root / "REQUIREMENTS.md").write_text(
        "# Requirements\n\n"
        "* [x] **REQ-2:** Module b exists and says hello.\n"
        "* [ ] **REQ-3:** Module d exists.\n"
    )
    (root / "PROJECT.md").write_text("# Test project\n\nNow with a greeting.\n")
    calls = llm.counts()

    status = cli("status", "-p", str(root), env=fast_env(llm_server))
    dry = cli("run", "-p", str(root), "--dry-run", env=fast_env(llm_server))
    run = cli("run", "-p", str(root), env=fast_env(llm_server))

    expected = "PROJECT.md changed, REQ-2 changed, REQ-3 added, REQ-1 removed"
    assert expected in status.out and "sago-tui plan --update" in status.out
    assert dry.code == 0 and expected in dry.out and "estimating PLAN.md as it is" in dry.out
    assert run.code == 0, run.text  # the approved plan still runs, and says so
    assert expected in run.out and "running PLAN.md as it is" in run.out
    assert llm.counts() == calls  # everything cached: no call
    assert "reqs names REQ-1, which was removed" in run.out


def test_strict_spec_refuses_a_drifted_run_with_exit_5(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    built(root, llm_server, scripted, cli)
    assert cli("plan", "-p", str(root), "--approve").code == 0
    (root / "IMPORTANT.md").write_text("# Important\n\nNo globals.\n")
    (root / "sago.toml").write_text("[run]\nstrict_spec = true\n")

    refused = cli("run", "-p", str(root), "--require-approval", env=fast_env(llm_server))

    assert refused.code == 5, refused.text
    assert "IMPORTANT.md changed" in refused.err and "plan --update" in refused.err
    check_trace(root, exit_code=5)


def test_plan_update_keeps_tasks_byte_for_byte_and_the_next_run_is_minimal(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    old_text = (root / "PLAN.md").read_text()
    old_sources = task_sources(old_text)
    (root / "REQUIREMENTS.md").write_text(
        REQS.replace("[ ]", "[x]").replace("Module b exists.", "Module b exists; b is typed.")
        + "* [ ] **REQ-3:** Module d exists.\n"
    )
    answer = plan_text(
        (
            "Phase 1: Build",
            [
                '<keep id="1.1"/>\n',
                task("1.2", ["b.py"], "REQ-2", action="Write b.py with type hints."),
                '    <keep id="1.3" />\n',
            ],
        ),
        ("Phase 2: More", [task("2.1", ["d.py"], "REQ-3")]),
    )
    llm.set("plan", answer)
    before = llm.count("plan")

    note = "Keep task names short."
    update = cli(
        "plan", "-p", str(root), "--update", "--yes", "--feedback", note, env=fast_env(llm_server)
    )

    assert update.code == 0, update.text
    assert llm.count("plan") == before + 1
    prompt = llm.calls["plan"][-1].prompt_text
    assert f"# Reviewer notes: take them into account\n\n{note}" in prompt
    assert "+* [ ] **REQ-2:** Module b exists; b is typed." in prompt  # the unified spec diff
    assert "+* [ ] **REQ-3:** Module d exists." in prompt
    assert old_text in prompt  # the current PLAN.md
    assert "- 1.2 (passed): Task 1.2" in prompt  # each task's status
    assert "Plan update: 1 added, 1 changed, 0 removed, 2 kept" in update.out
    assert "+ Write b.py with type hints." in update.out
    new_text = (root / "PLAN.md").read_text()
    for kept in ("1.1", "1.3"):
        assert old_sources[kept] in new_text  # restored byte for byte
        assert task_sources(new_text)[kept] == old_sources[kept]
    assert "<keep" not in new_text
    snapshot = (root / ".planning" / "spec-snapshot" / "REQUIREMENTS.md").read_text()
    assert "REQ-3" in snapshot
    assert "spec changed" not in cli("status", "-p", str(root)).out

    calls = llm.counts()
    rerun = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert rerun.code == 0, rerun.text
    ran = {key for key, count in llm.counts().items() if count > calls.get(key, 0)}
    assert ran == {"1.2", "1.3", "2.1"}  # changed, its dependant, new; 1.1 stays cached
    assert "(x) **REQ-1" not in (root / "REQUIREMENTS.md").read_text()
    assert (root / "REQUIREMENTS.md").read_text().count("[x]") == 3


def test_an_unknown_keep_id_gets_the_corrective_retry(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    (root / "REQUIREMENTS.md").write_text(REQS + "* [ ] **REQ-3:** Module d exists.\n")
    bad = plan_text(("Phase 1: Build", ['<keep id="9.9"/>\n', task("1.4", ["d.py"], "REQ-3")]))
    good = plan_text(
        (
            "Phase 1: Build",
            [
                '<keep id="1.1"/>\n',
                '<keep id="1.2"/>\n',
                '<keep id="1.3"/>\n',
                task("1.4", ["d.py"], "REQ-3"),
            ],
        )
    )
    llm.set("plan", [FIRST, bad, good])  # answers go by call number; the first was the plan
    before = llm.count("plan")

    update = cli("plan", "-p", str(root), "--update", "--yes", env=fast_env(llm_server))

    assert update.code == 0, update.text
    assert llm.count("plan") == before + 2
    corrective = llm.calls["plan"][-1].messages[-1]["content"]
    assert '<keep id="9.9"/> names no task of the current plan' in corrective
    assert [t.id for t in load_plan(root / "PLAN.md")[0].tasks] == ["1.1", "1.2", "1.3", "1.4"]


def test_plan_update_without_drift_says_so_and_makes_no_call(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    calls = llm.counts()

    result = cli("plan", "-p", str(root), "--update", env=fast_env(llm_server))

    assert result.code == 0
    assert "has not changed since PLAN.md was made; nothing to update" in result.out
    assert llm.counts() == calls


def test_a_refused_update_keeps_plan_md_and_saves_the_proposal(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    old_text = (root / "PLAN.md").read_text()
    (root / "REQUIREMENTS.md").write_text(REQS.replace("**REQ-2:** Module b exists.\n", ""))
    llm.set("plan", plan_text(("Phase 1: Build", ['<keep id="1.1"/>\n'])))

    result = cli("plan", "-p", str(root), "--update", env=fast_env(llm_server))  # no tty

    assert result.code == 0, result.text
    assert "0 added, 0 changed, 2 removed, 1 kept" in result.out
    assert "stay on disk" in result.out and "b.py, c.py" in result.out
    assert "(stdin is not a terminal; using the default)" in result.out
    assert (root / "PLAN.md").read_text() == old_text
    assert (root / "b.py").exists() and (root / "c.py").exists()
    (saved,) = (root / ".planning" / "raw").glob("plan-*.md")
    assert "removed" in saved.read_text() and '<task id="1.1" reqs="REQ-1">' in saved.read_text()


def test_a_failed_rerun_unticks_the_requirement(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    llm = built(root, llm_server, scripted, cli)
    (root / "b.py").unlink()  # 1.2 must run again, and this time it fails
    llm.set("1.2", "I will not write any file.")

    rerun = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert rerun.code == 1
    text = (root / "REQUIREMENTS.md").read_text()
    assert "* [x] **REQ-1:**" in text and "* [ ] **REQ-2:**" in text
    assert "REQUIREMENTS.md: unticked REQ-2" in rerun.out


def test_check_requirements_false_leaves_the_boxes_alone(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, toml="[run]\ncheck_requirements = false\n")
    (root / "REQUIREMENTS.md").write_text(REQS)
    scripted(TASKS, {"plan": FIRST})
    assert cli("plan", "-p", str(root), env=fast_env(llm_server)).code == 0

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert (root / "REQUIREMENTS.md").read_text() == REQS
    assert "requirements: 2/2 done" in result.out


def test_the_planner_is_corrected_for_an_unknown_requirement(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root)
    (root / "REQUIREMENTS.md").write_text(REQS)
    wrong = plan_text(("Phase 1", [task("1.1", ["a.py"], "REQ-1, REQ-7")]))
    partial = plan_text(("Phase 1", [task("1.1", ["a.py"], "REQ-1")]))
    llm = scripted(TASKS, {"plan": [wrong, partial]})  # a fresh project: call 1 is wrong

    result = cli("plan", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert llm.count("plan") == 2
    assert (
        "reqs names REQ-7, which REQUIREMENTS.md does not define"
        in (llm.calls["plan"][1].messages[-1]["content"])
    )
    assert "REQ-2 is covered by no task" in result.out


def test_a_hand_written_plan_naming_an_unknown_requirement_is_bad_input(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, plan_text(("Phase 1", [task("1.1", ["a.py"], "REQ-1, REQ-9")])))
    llm = scripted(TASKS)

    result = cli("run", "-p", str(root), env=fast_env(llm_server))

    assert result.code == 2, result.text
    assert "task 1.1: reqs names REQ-9, which REQUIREMENTS.md does not define" in result.err
    assert llm.counts() == {}
    refused = cli("plan", "-p", str(root), "--approve")
    assert refused.code == 2 and "REQ-9" in refused.err
    assert not (root / ".planning" / "approval.json").exists()


def test_the_json_report_and_the_trace_show_each_requirement(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    built(root, llm_server, scripted, cli)
    (root / "REQUIREMENTS.md").write_text(
        (root / "REQUIREMENTS.md").read_text() + "* [ ] **REQ-3:** <b>Not</b> planned.\n"
    )
    out = tmp_path / "report.json"

    result = cli("run", "-p", str(root), "--json", str(out), env=fast_env(llm_server))

    assert result.code == 0, result.text
    doc = json.loads(out.read_text())
    assert doc["requirements"] == [
        {"id": "REQ-1", "text": "Module a exists.", "tasks": [{"id": "1.1", "status": "passed"}],
         "done": True, "checked": True},
        {"id": "REQ-2", "text": "Module b exists.", "done": True, "checked": True,
         "tasks": [{"id": "1.2", "status": "passed"}, {"id": "1.3", "status": "passed"}]},
        {"id": "REQ-3", "text": "<b>Not</b> planned.", "tasks": [], "done": False,
         "checked": False},
    ]  # fmt: skip
    records = check_trace(root, exit_code=0)
    (checked,) = events(records, "requirements")
    assert checked["data"]["requirements"][2]["tasks"] == []
    assert [r["id"] for r in summarize_records(records).requirements] == ["REQ-1", "REQ-2", "REQ-3"]
    html = tmp_path / "trace.html"
    assert cli("trace", "-p", str(root), "--html", str(html)).code == 0
    assert "<b>Not</b>" not in html.read_text()  # the page escapes what it shows


def test_the_demo_walkthrough_adds_a_requirement_and_runs_only_its_task(
    tmp_path: Path, cli
) -> None:
    """README's "Changing the spec" walkthrough, offline from the demo's recording."""
    root = tmp_path / "sago-demo"
    offline = {"LLM_API_BASE": "http://127.0.0.1:9/v1"}  # anything sent would fail
    assert cli("demo", str(root), "--headless", env=offline).code == 0
    reqs = root / "REQUIREMENTS.md"
    assert reqs.read_text().count("[x]") == 3  # the build ticked every requirement
    with reqs.open("a") as spec:
        spec.write("* [ ] **REQ-4:** `reading_time(text, wpm=200)` gives the minutes to read it\n")
    old_plan = (root / "PLAN.md").read_text()

    status = cli("status", "-p", str(root), env=offline)
    update = cli("plan", "-p", str(root), "--update", "--yes", env=offline)
    rerun = cli("run", "-p", str(root), env=offline)

    assert "spec changed since PLAN.md was made: REQ-4 added" in status.out
    assert update.code == 0, update.text
    assert "Plan update: 1 added, 0 changed, 0 removed, 5 kept" in update.out
    for task_id, source in task_sources(old_plan).items():
        assert task_sources((root / "PLAN.md").read_text())[task_id] == source
    assert rerun.code == 0, rerun.text
    trace = check_trace(root, exit_code=0)
    assert sorted(e["data"]["task_id"] for e in events(trace, "cache_hit")) == [
        "1.1", "1.2", "2.1", "3.1", "3.2",
    ]  # fmt: skip
    assert [e["data"]["task_id"] for e in events(trace, "task_start")] == ["4.1"]
    assert "requirements: 4/4 done" in rerun.out
    assert reqs.read_text().count("[x]") == 4


def test_a_plan_without_a_snapshot_is_updated_against_the_whole_spec(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, FIRST)  # written by hand (or by an older version): no snapshot
    (root / "REQUIREMENTS.md").write_text(REQS)
    keep_all = plan_text(
        ("Phase 1: Build", ['<keep id="1.1"/>\n', '<keep id="1.2"/>\n', '<keep id="1.3"/>\n'])
    )
    llm = scripted(TASKS, {"plan": keep_all})

    result = cli("plan", "-p", str(root), "--update", "--yes", env=fast_env(llm_server))

    assert result.code == 0, result.text
    assert "PLAN.md has no spec snapshot" in result.out
    assert "REQ-1 added, REQ-2 added" in result.out
    assert "0 added, 0 changed, 0 removed, 3 kept" in result.out
    assert (root / "PLAN.md").read_text() == FIRST
    assert llm.count("plan") == 1
    assert "spec changed" not in cli("status", "-p", str(root)).out  # the baseline is set
