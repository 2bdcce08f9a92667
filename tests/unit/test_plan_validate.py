"""Plan validation: every error and warning, with its line and task."""

from __future__ import annotations

import pytest

from sago_tui.core.errors import PlanError
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.plan_validate import file_problem, proves_nothing, validate_plan


def mk(
    task_id: str,
    *,
    deps: tuple[str, ...] = (),
    files: tuple[str, ...] = ("src/a.py",),
    verify: str = "pytest -q",
    name: str = "Name",
    action: str = "Act",
    line: int = 0,
) -> Task:
    return Task(task_id, name, list(files), action, verify, "", list(deps), line=line)


def plan_of(*phases: list[Task]) -> Plan:
    numbered = []
    line = 1
    for index, tasks in enumerate(phases, 1):
        numbered.append(Phase(f"Phase {index}", tasks=tasks, line=line))
        for task in tasks:
            line += 10
            task.line = line
            task.phase = f"Phase {index}"
        line += 10
    return Plan(numbered)


def issues(plan: Plan, severity: str = "error") -> list[str]:
    return [str(i) for i in validate_plan(plan) if i.severity == severity]


def test_valid_plan_has_no_issues() -> None:
    plan = plan_of(
        [mk("1.1"), mk("1.2", deps=("1.3",), files=("b",)), mk("1.3", files=("c",))],
        [mk("2.1", deps=("1.1",), files=("d",))],
    )
    assert validate_plan(plan) == []


def test_missing_and_malformed_ids() -> None:
    plan = plan_of([mk(""), mk("1 2", files=("b",)), mk("1,3", files=("c",))])
    assert issues(plan) == [
        "PLAN.md:11: task has no id",
        "PLAN.md:21: task 1 2: task id '1 2' must not contain whitespace or commas",
        "PLAN.md:31: task 1,3: task id '1,3' must not contain whitespace or commas",
    ]


def test_duplicate_id_names_both_lines() -> None:
    plan = plan_of([mk("1.1"), mk("1.2", files=("b",))], [mk("1.1", files=("c",))])
    assert issues(plan) == ["PLAN.md:41: task 1.1: duplicate id 1.1 (first defined at line 11)"]


def test_dependency_errors() -> None:
    plan = plan_of(
        [mk("1.1", deps=("9.9", "1.1")), mk("1.2", deps=("2.1",), files=("b",))],
        [mk("2.1", deps=("1.2",), files=("c",))],
    )
    assert issues(plan) == [
        "PLAN.md:11: task 1.1: depends_on names unknown task 9.9",
        "PLAN.md:11: task 1.1: depends on itself",
        "PLAN.md:21: task 1.2: depends_on names task 2.1 of a later phase (Phase 2)",
    ]


def test_cycle_lists_members_in_order() -> None:
    plan = plan_of([mk("1.1", deps=("1.2",)), mk("1.2", deps=("1.1",), files=("b",))])
    assert issues(plan) == ["PLAN.md:11: task 1.1: dependency cycle: 1.1 -> 1.2 -> 1.1"]


def test_cycle_starts_at_numerically_smallest_id() -> None:
    plan = plan_of(
        [
            mk("1.10", deps=("1.9",), files=("a",)),
            mk("1.9", deps=("1.2",), files=("b",)),
            mk("1.2", deps=("1.10",), files=("c",)),
        ]
    )
    assert issues(plan) == ["PLAN.md:31: task 1.2: dependency cycle: 1.2 -> 1.10 -> 1.9 -> 1.2"]


def test_cycle_through_a_shared_file_is_reported() -> None:
    # 1.2 lists 1.1's file, so it waits for 1.1; 1.1 naming 1.2 closes the loop.
    plan = plan_of([mk("1.1", deps=("1.2",), files=("a",)), mk("1.2", files=("a",))])
    assert issues(plan) == [
        "PLAN.md:11: task 1.1: dependency cycle: 1.1 -> 1.2 -> 1.1 (1.2 -> 1.1: shared files)"
    ]


def test_two_separate_cycles_are_both_reported() -> None:
    plan = plan_of(
        [mk("1.1", deps=("1.2",), files=("a",)), mk("1.2", deps=("1.1",), files=("b",))],
        [mk("2.1", deps=("2.2",), files=("c",)), mk("2.2", deps=("2.1",), files=("d",))],
    )
    assert [i for i in issues(plan) if "cycle" in i] == [
        "PLAN.md:11: task 1.1: dependency cycle: 1.1 -> 1.2 -> 1.1",
        "PLAN.md:41: task 2.1: dependency cycle: 2.1 -> 2.2 -> 2.1",
    ]


def test_empty_fields() -> None:
    plan = plan_of([mk("1.1", name="", files=(), action="")])
    assert issues(plan) == [
        "PLAN.md:11: task 1.1: <name> is empty",
        "PLAN.md:11: task 1.1: <files> is empty",
        "PLAN.md:11: task 1.1: <action> is empty",
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("/etc/passwd", "file /etc/passwd is an absolute path; files are relative to the project"),
        ("~/x.py", "file ~/x.py is an absolute path; files are relative to the project"),
        ("C:\\x.py", "file C:\\x.py is an absolute path; files are relative to the project"),
        ("src/../../x.py", "file src/../../x.py contains '..'; files must stay inside the project"),
        ("PLAN.md", "file PLAN.md is a protected project file that tasks may never write"),
        ("./STATE.md", "file ./STATE.md is a protected project file that tasks may never write"),
        (".env", "file .env is a protected project file that tasks may never write"),
        ("sago.toml", "file sago.toml is a protected project file that tasks may never write"),
        (
            "IMPORTANT.md",
            "file IMPORTANT.md is a protected project file that tasks may never write",
        ),
        (".git/config", "file .git/config is under .git/, which tasks may never write"),
        (
            ".planning/cache/x",
            "file .planning/cache/x is under .planning/, which tasks may never write",
        ),
        ("vendor/.git/HEAD", "file vendor/.git/HEAD is under .git/, which tasks may never write"),
    ],
)
def test_forbidden_files(name: str, problem: str) -> None:
    assert file_problem(name) == problem


@pytest.mark.parametrize(
    "name", ["docs/PLAN.md", "src/a..b.py", ".github/ci.yml", "a/.env.example"]
)
def test_allowed_files(name: str) -> None:
    assert file_problem(name) is None


def test_forbidden_file_is_a_task_error() -> None:
    plan = plan_of([mk("1.1", files=("src/ok.py", "REQUIREMENTS.md"))])
    assert issues(plan) == [
        "PLAN.md:11: task 1.1: file REQUIREMENTS.md is a protected project file "
        "that tasks may never write"
    ]


def test_no_tasks() -> None:
    assert issues(Plan()) == ["PLAN.md: the plan has no tasks"]
    assert issues(plan_of([])) == ["PLAN.md:1: the plan has no tasks"]


def test_warnings() -> None:
    plan = plan_of(
        [
            mk("1.1", verify=""),
            mk("1.2", verify="echo done", files=("b",)),
            mk("1.3", files=tuple(f"f{n}.py" for n in range(9))),
            mk("1.4", files=tuple(f"g{n}.py" for n in range(8))),
        ]
    )
    assert issues(plan) == []
    assert issues(plan, "warning") == [
        "PLAN.md:11: task 1.1: <verify> is empty, so nothing checks this task",
        "PLAN.md:21: task 1.2: verify 'echo done' always succeeds; it proves nothing",
        "PLAN.md:31: task 1.3: 9 files (more than 8); consider splitting it",
    ]


@pytest.mark.parametrize(
    "command",
    [
        "true",
        ":",
        "exit 0",
        "/bin/true",
        "echo ok",
        "echo $(pytest)",
        "printf 'done\\n'",
        "pytest || true",
        "pytest; true",
        "true && echo ok",
        "python -c 'pass'",
        "python3 -c \"print('ok')\"",
        "pytest && ruff check . || exit 0",
        "true;",
    ],
)
def test_commands_that_prove_nothing(command: str) -> None:
    assert proves_nothing(command)


@pytest.mark.parametrize(
    "command",
    [
        "pytest -q",
        "true && pytest",
        "echo x | grep x",
        "python -c 'import src.a'",
        "true; pytest",
        "test -f src/a.py",
        "pytest || echo failed && false",
    ],
)
def test_commands_that_can_fail(command: str) -> None:
    assert not proves_nothing(command)


def test_errors_and_warnings_through_parse_plan() -> None:
    text = (
        "```xml\n<phases>\n  <phase name='P'>\n"
        "    <task id='1.1' depends_on='9.9'><name>A</name><files>a</files>"
        "<action>x</action><verify>true</verify></task>\n"
        "    <task id='1.2'><name>B</name><files>b</files><action>y</action>"
        "<verify>true</verify></task>\n"
        "  </phase>\n</phases>\n```\n"
    )
    with pytest.raises(PlanError) as info:
        parse_plan(text)
    assert info.value.problems == ["PLAN.md:4: task 1.1: depends_on names unknown task 9.9"]
    plan, warnings = parse_plan(text.replace(" depends_on='9.9'", ""))
    assert [w.line for w in warnings] == [4, 5]
    assert all(w.severity == "warning" and "proves nothing" in w.message for w in warnings)
    assert len(plan.tasks) == 2
