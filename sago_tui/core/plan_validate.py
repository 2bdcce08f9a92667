"""Checks on a parsed plan (DESIGN.md §4): every finding names its line and task.

Errors make the plan unusable (bad ids, unknown or later-phase dependencies,
cycles, missing name/files/action, files a task may never write); warnings
point at weak tasks (no verify, a verify that cannot fail, too many files).
"""

from __future__ import annotations

import itertools
import re

from sago_tui.core.plan import Plan, PlanIssue, Task
from sago_tui.core.plan_cycles import find_cycles
from sago_tui.core.plan_deps import ordering_edges
from sago_tui.core.project import PROTECTED_DIRS, PROTECTED_NAMES
from sago_tui.core.text import one_line

MAX_FILES = 8
_TRIVIAL = frozenset({"true", ":", "/bin/true", "/usr/bin/true", "exit", "exit 0"})
_PRINTERS = frozenset({"echo", "printf", "/bin/echo", "/usr/bin/echo", "/usr/bin/printf"})
_PYTHON_NOOP = re.compile(r"python3?\s+-c\s+([\"'])(?:pass|print\(([\"'])[^\"'()]*\2\))?\1")
_SHELL_OPS = re.compile(r"(&&|\|\||;|\n)")
_ID_BAD = re.compile(r"[\s,]")
_PATH_SEP = re.compile(r"[/\\]")


def _trivial(command: str) -> bool:
    """True for a simple command that always exits 0 whatever the code does."""
    command = command.strip()
    words = command.split()
    if command in _TRIVIAL or _PYTHON_NOOP.fullmatch(command):
        return True
    # echo/printf succeed whatever they print; a pipe hands the status to another command.
    return bool(words) and words[0] in _PRINTERS and "|" not in command


def proves_nothing(command: str) -> bool:
    """True when the shell command always succeeds (``true``, ``echo ok``, ``pytest || true``).

    ``&&``, ``||`` and ``;`` are folded left to right with the shell's rules;
    quoting is not interpreted, which only makes the check more conservative.
    """
    parts = _SHELL_OPS.split(command)
    always = _trivial(parts[0])
    for op, atom in zip(parts[1::2], parts[2::2], strict=True):
        if not atom.strip():
            continue  # a trailing ";" adds no command
        if op == "&&":
            always = always and _trivial(atom)
        elif op == "||":
            always = always or _trivial(atom)
        else:  # ";" or newline: the last command's status wins
            always = _trivial(atom)
    return always


def file_problem(name: str) -> str | None:
    """Why a task may not declare ``name`` (absolute, leaves the project, protected), or None."""
    if name.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", name):
        return f"file {name} is an absolute path; files are relative to the project"
    parts = [part for part in _PATH_SEP.split(name) if part not in ("", ".")]
    if ".." in parts:
        return f"file {name} contains '..'; files must stay inside the project"
    # A nested .git is another repository's internals: just as off limits.
    guarded = next((part for part in parts[:1] if part in PROTECTED_DIRS), None)
    if guarded is not None or ".git" in parts:
        return f"file {name} is under {guarded or '.git'}/, which tasks may never write"
    if len(parts) == 1 and parts[0] in PROTECTED_NAMES:
        return f"file {name} is a protected project file that tasks may never write"
    return None


def _task_issues(task: Task) -> list[PlanIssue]:
    found: list[tuple[str, str]] = []
    if not task.id:
        found.append(("error", "task has no id"))
    elif _ID_BAD.search(task.id):
        found.append(("error", f"task id {task.id!r} must not contain whitespace or commas"))
    for field, what in (("name", "<name>"), ("files", "<files>"), ("action", "<action>")):
        if not getattr(task, field):
            found.append(("error", f"{what} is empty"))
    found += [("error", problem) for problem in map(file_problem, task.files) if problem]
    if not task.verify:
        found.append(("warning", "<verify> is empty, so nothing checks this task"))
    elif proves_nothing(task.verify):
        found.append(
            ("warning", f"verify {one_line(task.verify, 60)!r} always succeeds; it proves nothing")
        )
    if len(task.files) > MAX_FILES:
        found.append(
            ("warning", f"{len(task.files)} files (more than {MAX_FILES}); consider splitting it")
        )
    return [PlanIssue(severity, message, task.line, task.id) for severity, message in found]


def _dependency_issues(plan: Plan, phase_of: dict[str, int]) -> list[PlanIssue]:
    issues: list[PlanIssue] = []
    for index, phase in enumerate(plan.phases):
        for task in phase.tasks:
            for dep in dict.fromkeys(task.depends_on):
                if dep == task.id:
                    message = "depends on itself"
                elif dep not in phase_of:
                    message = f"depends_on names unknown task {dep}"
                elif phase_of[dep] > index:
                    later = plan.phases[phase_of[dep]].name
                    message = f"depends_on names task {dep} of a later phase ({later})"
                else:
                    continue
                issues.append(PlanIssue("error", message, task.line, task.id))
    return issues


def _cycle_issues(plan: Plan, phase_of: dict[str, int]) -> list[PlanIssue]:
    by_id: dict[str, Task] = {}
    for task in plan.tasks:
        by_id.setdefault(task.id, task)
    # Only edges inside one phase can close a cycle once later-phase edges are errors.
    graph = {
        task_id: {dep for dep in deps if dep in phase_of and phase_of[dep] == phase_of[task_id]}
        for task_id, deps in ordering_edges(plan).items()
        if task_id in phase_of
    }
    issues: list[PlanIssue] = []
    for cycle in find_cycles(graph):
        implicit = [
            f"{a} -> {b}" for a, b in itertools.pairwise(cycle) if b not in by_id[a].depends_on
        ]
        note = f" ({', '.join(implicit)}: shared files)" if implicit else ""
        start = by_id[cycle[0]]
        message = f"dependency cycle: {' -> '.join(cycle)}{note}"
        issues.append(PlanIssue("error", message, start.line, start.id))
    return issues


def validate_plan(plan: Plan) -> list[PlanIssue]:
    """Every error and warning of ``plan``, each with its line and task id."""
    issues: list[PlanIssue] = []
    if not plan.tasks:
        line = plan.phases[0].line if plan.phases else 0
        issues.append(PlanIssue("error", "the plan has no tasks", line))
    phase_of: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for index, phase in enumerate(plan.phases):
        if not phase.name:
            issues.append(PlanIssue("warning", "<phase> has no name", phase.line))
        if not phase.tasks:
            issues.append(PlanIssue("warning", f"phase {phase.name!r} has no tasks", phase.line))
        for task in phase.tasks:
            issues += _task_issues(task)
            if not task.id:
                continue
            if task.id in first_line:
                message = f"duplicate id {task.id} (first defined at line {first_line[task.id]})"
                issues.append(PlanIssue("error", message, task.line, task.id))
            else:
                first_line[task.id] = task.line
                phase_of[task.id] = index
    issues += _dependency_issues(plan, phase_of)
    issues += _cycle_issues(plan, phase_of)
    return issues
