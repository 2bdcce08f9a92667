"""Requirements, spec drift, <keep> expansion, plan diffs and traceability (DESIGN.md §11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.drift import compare_specs, detect_drift
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_diff import diff_plans, render_diff
from sago_tui.core.plan_keep import expand_keeps, task_sources
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.plan_writer import render_plan
from sago_tui.core.project import Project
from sago_tui.core.requirements import parse_requirements, set_boxes, without_marks
from sago_tui.core.spec_snapshot import save_snapshot
from sago_tui.core.traceability import requirement_status, sync_boxes, trace_issues

REQS = (
    "# Requirements\n\n"
    "* [ ] **REQ-1:** Count words.\n"
    "- [x] **REQ-2**: List   the top words.\n"
    "Some prose mentioning **REQ-9:** is not a requirement.\n"
)

PLAN = """# Plan

```xml
<phases>
  <phase name="Phase 1">
    <task id="1.1" reqs="REQ-1">
      <name>Count</name>
      <files>a.py</files>
      <action>
        Write a.py:
            def count(): ...
      </action>
      <verify>test -f a.py</verify>
      <done>ok</done>
    </task>
    <task id="1.2" depends_on="1.1" reqs="REQ-2">
      <name>Top</name>
      <files>b.py</files>
      <action>Write b.py &amp; tests.</action>
      <verify>test -f b.py</verify>
      <done>ok</done>
    </task>
  </phase>
</phases>
```
"""


def test_requirements_are_parsed_from_both_bullet_styles() -> None:
    found = parse_requirements(REQS)
    assert list(found) == ["REQ-1", "REQ-2"]
    assert found["REQ-2"].text == "List the top words."  # whitespace is not content
    assert found["REQ-2"].checked and not found["REQ-1"].checked
    assert found["REQ-1"].line == 3


def test_set_boxes_changes_only_the_mark_characters() -> None:
    text = REQS.replace("\n", "\r\n")
    ticked = set_boxes(text, {"REQ-1": True, "REQ-2": False})
    assert ticked == text.replace("* [ ] **REQ-1", "* [x] **REQ-1").replace(
        "- [x] **REQ-2", "- [ ] **REQ-2"
    )
    assert set_boxes(text, {"REQ-7": True}) == text


def test_ticking_a_box_is_not_drift_but_rewording_is() -> None:
    old = {"REQUIREMENTS.md": REQS, "PROJECT.md": "# P\n\n- [ ] a todo\n"}
    ticked = {
        "REQUIREMENTS.md": set_boxes(REQS, {"REQ-1": True}),
        "PROJECT.md": "# P\n\n- [x] a todo\n",
    }
    assert not compare_specs(old, ticked)
    assert without_marks(ticked["REQUIREMENTS.md"]) == without_marks(REQS)
    reworded = {
        "REQUIREMENTS.md": REQS.replace("Count words.", "Count words and lines.").replace(
            "- [x] **REQ-2**: List   the top words.\n", ""
        )
        + "* [ ] **REQ-3:** New.\n",
        "PROJECT.md": old["PROJECT.md"],
        "IMPORTANT.md": "# New rules\n",
    }
    drift = compare_specs(old, reworded)
    assert [str(c) for c in drift.changes] == [
        "REQ-1 changed",
        "REQ-3 added",
        "REQ-2 removed",
        "IMPORTANT.md added",
    ]
    assert "+* [ ] **REQ-3:** New." in drift.unified_diff()
    assert "sago-tui plan --update" in drift.line()


def test_text_around_the_requirements_counts_as_a_file_change() -> None:
    drift = compare_specs({"REQUIREMENTS.md": REQS}, {"REQUIREMENTS.md": REQS + "\nAlso: fast.\n"})
    assert [str(c) for c in drift.changes] == ["REQUIREMENTS.md changed"]


def test_detect_drift_needs_a_plan_and_a_snapshot(tmp_path: Path) -> None:
    project = Project(tmp_path)
    (tmp_path / "REQUIREMENTS.md").write_text(REQS)
    assert detect_drift(project) is None  # no PLAN.md
    (tmp_path / "PLAN.md").write_text(PLAN)
    assert detect_drift(project) is None  # no snapshot (a plan from before snapshots)
    save_snapshot(project)
    assert not detect_drift(project)
    (tmp_path / "PROJECT.md").write_text("# New\n")
    assert [str(c) for c in detect_drift(project).changes] == ["PROJECT.md added"]  # type: ignore[union-attr]


def test_reqs_round_trip_through_the_writer() -> None:
    plan, _ = parse_plan(PLAN)
    assert [t.reqs for t in plan.tasks] == [["REQ-1"], ["REQ-2"]]
    text = render_plan(plan)
    assert '<task id="1.2" depends_on="1.1" reqs="REQ-2">' in text
    again, _ = parse_plan(text)
    assert [t.reqs for t in again.tasks] == [["REQ-1"], ["REQ-2"]]
    assert render_plan(again) == text


def test_keep_restores_the_old_task_byte_for_byte() -> None:
    sources = task_sources(PLAN)
    assert sources["1.1"].startswith('    <task id="1.1" reqs="REQ-1">\n')
    assert sources["1.1"].endswith("</task>")
    answer = PLAN.split("<phases>")[0] + (
        '<phases>\n  <phase name="Phase 1">\n'
        '        <keep id="1.1"/>\n'  # other indentation: the old bytes win
        '    <keep id="1.2"></keep>\n'
        "  </phase>\n</phases>\n```\n"
    )
    expanded = expand_keeps(answer, sources)
    assert expanded.problems == ()
    assert expanded.kept == ("1.1", "1.2")
    assert expanded.text == PLAN
    plan, _ = parse_plan(expanded.text)
    old, _ = parse_plan(PLAN)
    assert [t.definition() for t in plan.tasks] == [t.definition() for t in old.tasks]
    assert "            def count(): ..." not in plan.tasks[0].action
    assert "    def count(): ..." in plan.tasks[0].action


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        (
            '<keep id="7.7"/>',
            '<keep id="7.7"/> names no task of the current plan (its tasks: 1.1, 1.2)',
        ),
        ("<keep/>", "<keep/> has no id attribute"),
        ('<keep id="1.1"/><keep id="1.1"/>', "task 1.1 is kept twice"),
    ],
)
def test_bad_keep_markers_are_problems(marker: str, problem: str) -> None:
    expanded = expand_keeps(
        f"<phases><phase name='x'>{marker}</phase></phases>", task_sources(PLAN)
    )
    assert problem in expanded.problems


def _task(task_id: str, action: str = "do", files: tuple[str, ...] = ("a.py",)) -> Task:
    return Task(task_id, f"Task {task_id}", list(files), action, "true", "ok", phase="P")


def test_plan_diff_names_every_task_and_lists_leftover_files(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text("")
    old = Plan(
        [
            Phase(
                "P",
                tasks=[_task("1"), _task("2", files=("b.py",)), _task("3", files=("c.py", "a.py"))],
            )
        ]
    )
    new = Plan([Phase("P", tasks=[_task("1"), _task("2", "do more", ("b.py",)), _task("4")])])
    diff = diff_plans(old, new, tmp_path)
    assert [(c.task_id, c.kind) for c in diff.tasks] == [
        ("1", "kept"),
        ("2", "changed"),
        ("4", "added"),
        ("3", "removed"),
    ]
    assert diff.summary() == "1 added, 1 changed, 1 removed, 1 kept"
    assert diff.leftover_files == ("c.py",)  # a.py is still declared; b.py is not removed
    lines = render_diff(diff)
    assert "        - do" in lines and "        + do more" in lines
    assert not diff.empty


def test_traceability_errors_warnings_and_status(tmp_path: Path) -> None:
    plan, _ = parse_plan(PLAN.replace('reqs="REQ-2"', 'reqs="REQ-2, REQ-5, REQ-6"'))
    reqs = parse_requirements(REQS + "* [ ] **REQ-3:** Uncovered.\n")
    issues = trace_issues(plan, reqs, removed={"REQ-6"})
    found = {(i.severity, i.message) for i in issues}
    assert ("error", "reqs names REQ-5, which REQUIREMENTS.md does not define") in found
    assert any(s == "warning" and "REQ-6, which was removed" in m for s, m in found)
    assert ("warning", "REQ-3 is covered by no task") in found
    assert (
        trace_issues(
            parse_plan(PLAN.replace(' reqs="REQ-1"', "").replace(' reqs="REQ-2"', ""))[0], reqs
        )
        == []
    )

    rows = requirement_status(plan, reqs, {"1.1": "passed", "1.2": "failed"})
    assert [(r.id, r.done, r.tasks) for r in rows] == [
        ("REQ-1", True, (("1.1", "passed"),)),
        ("REQ-2", False, (("1.2", "failed"),)),
        ("REQ-3", False, ()),
    ]
    (tmp_path / "REQUIREMENTS.md").write_text(REQS + "* [x] **REQ-3:** Uncovered.\n")
    ticked, unticked = sync_boxes(Project(tmp_path), rows)
    assert (ticked, unticked) == (["REQ-1"], ["REQ-2"])
    text = (tmp_path / "REQUIREMENTS.md").read_text()
    assert "* [x] **REQ-1:**" in text and "- [ ] **REQ-2**:" in text
    assert "* [x] **REQ-3:**" in text  # no task covers it: the user's mark stays
