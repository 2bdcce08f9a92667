"""The four prompts: plan, task, fix and init.

Every answer that carries files uses the ``=== FILE: path ===`` format parsed
by :mod:`sago_tui.core.fileblocks`, and for existing files (``edit_format`` auto
or diff) the ``=== EDIT:`` SEARCH/REPLACE format of :mod:`sago_tui.core.edits`;
the wording here and the parsers agree. Task and fix prompts start with the part
every task of a run shares (DESIGN.md §13): the system text, then one user message
with IMPORTANT.md, the spec and the manifests, then the task's own message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sago_tui.core.classify import Failure
from sago_tui.core.fileblocks import render_file_block
from sago_tui.core.plan import Task

Messages = tuple[tuple[str, str], ...]

FILE_FORMAT = """Answer with complete files, each written as:

=== FILE: relative/path/to/file ===
```language
<the complete content of the file>
```

If a file itself contains ``` fences, wrap it in a longer fence (````)."""

EDIT_FORMAT = """For a file that already exists, {mode}:

=== EDIT: relative/path/to/file ===
<<<<<<< SEARCH
exact lines of the current file, indentation included
=======
the lines that replace them
>>>>>>> REPLACE

Several SEARCH/REPLACE pairs may follow one header. Each SEARCH must match the current \
file exactly once: copy the lines exactly and include enough of them to be unique. To add \
code, SEARCH for the lines next to where it goes and repeat them in the replacement. New \
files are always sent whole with === FILE: ===."""

EDIT_MODES = {
    "auto": "prefer an edit when you change a part of it; it is much shorter than the whole file",
    "diff": "answer with an edit, never with the whole file",
}


def executor_system(edit_format: str = "whole") -> str:
    """The code writer's system text for ``edit_format`` (auto, whole or diff)."""
    mode = EDIT_MODES.get(edit_format)
    edits = "" if mode is None else "\n\n" + EDIT_FORMAT.format(mode=mode)
    whole = "each in full" if mode is None else "a whole file in full"
    return f"""You are the code writer of sago-tui. You complete exactly one task of a \
project plan by writing its files.

Rules:
- Write only the files the task lists, {whole}: no placeholders, no elisions, no TODOs.
- Paths are relative to the project root.
- After you answer, the task's verify command runs in the project directory; make it pass.
- Keep the project's existing style and the spec's constraints.

{FILE_FORMAT}{edits}"""


PLANNER_SYSTEM = """You are the planner of sago-tui. You turn a project's spec into PLAN.md: \
phases of small, atomic tasks. Later, each task gets exactly one LLM call that writes its files, \
and its verify command proves the task is done.

Write PLAN.md as a short markdown overview followed by ONE ```xml block in this exact shape:

```xml
<phases>
  <phase name="Phase 1: Setup">
    <description>What this phase achieves.</description>
    <task id="1.1" reqs="REQ-1">
      <name>Short imperative name</name>
      <files>src/pkg/__init__.py, src/pkg/config.py</files>
      <action>Precise instructions: what to write in each file, names, behaviour.</action>
      <verify>python -c "import pkg.config"</verify>
      <done>What is true when the task is done.</done>
    </task>
    <task id="1.2" depends_on="1.1" reqs="REQ-1, REQ-2">
      ...
    </task>
  </phase>
</phases>
```

Rules:
- Ids are "phase.task" numbers (1.1, 1.2, 2.1 ...). Phases run in order.
- 1 to 6 files per task, paths relative to the project root. Never PLAN.md, STATE.md, \
PROJECT.md, REQUIREMENTS.md, IMPORTANT.md, sago.toml, .env, .git/ or .planning/.
- depends_on lists tasks of the same or an earlier phase whose files this task needs.
- verify is one shell command that exits 0 only when the task really works (import the module, \
run its tests with `python -m pytest -q tests/test_x.py`, run the program). Never `true` or `echo`.
- reqs names the requirements (REQ ids of REQUIREMENTS.md) the task serves; leave it out \
when the spec has no REQ ids.
- A task that writes tests also writes (or depends on) the code they test.
- Cover every requirement; keep tasks small enough to write in one answer.
Answer with the content of PLAN.md only."""

INIT_SYSTEM = f"""You write the spec of a new software project for sago-tui: PROJECT.md \
(vision, tech stack and constraints, architecture) and REQUIREMENTS.md (numbered, testable \
requirements, one per line, formatted exactly as `* [ ] **REQ-1:** text`).

{FILE_FORMAT}"""


def shared_messages(shared: str, edit_format: str = "whole") -> Messages:
    """The prefix every task and fix prompt of a run starts with (DESIGN.md §13)."""
    head = "# The project (the same for every task of this run)\n\n"
    system = ("system", executor_system(edit_format))
    return (system, ("user", head + shared)) if shared.strip() else (system,)


def task_messages(
    task_context: str, task: Task, *, shared: str = "", edit_format: str = "whole"
) -> Messages:
    """The one call that writes a task's files.

    ``shared`` is the rendered shared context (IMPORTANT.md, spec, manifests) and
    ``task_context`` the task's own part (tree, task, files, dependencies).
    """
    user = f"{task_context}\n\nWrite the files for task {task.id} ({task.name}) now."
    return (*shared_messages(shared, edit_format), ("user", user))


def plan_messages(
    spec: str,
    *,
    feedback: str | None = None,
    previous_plan: str | None = None,
    problems: Sequence[str] = (),
    rejected_answer: str | None = None,
) -> Messages:
    """The plan call; ``problems`` (with the rejected answer) asks for a corrected plan."""
    parts = [f"# The project spec\n\n{spec}"]
    if previous_plan and feedback:
        parts.append(f"# The current plan\n\n{previous_plan}")
        parts.append(f"# Reviewer feedback: revise the plan accordingly\n\n{feedback}")
    elif feedback:
        parts.append(f"# Reviewer notes\n\n{feedback}")
    parts.append("Write PLAN.md now.")
    return planner_messages("\n\n".join(parts), problems, rejected_answer)


def planner_messages(
    user: str,
    problems: Sequence[str] = (),
    rejected_answer: str | None = None,
    *,
    retry_hint: str = "",
) -> Messages:
    """The planner's system text and ``user``; with ``problems``, the rejected answer and
    a request for the complete corrected PLAN.md (the one corrective retry)."""
    messages: list[tuple[str, str]] = [("system", PLANNER_SYSTEM), ("user", user)]
    if problems:
        listing = "\n".join(f"- {p}" for p in problems)
        messages.append(("assistant", rejected_answer or ""))
        messages.append(
            (
                "user",
                f"That PLAN.md cannot be used:\n{listing}\n\n"
                f"Answer with the complete corrected PLAN.md{retry_hint}.",
            )
        )
    return tuple(messages)


def fix_messages(
    task: Task,
    failure: Failure,
    verify_output: str,
    files: Mapping[str, str | None],
    attempt: int,
    *,
    shared: str = "",
    edit_format: str = "whole",
) -> Messages:
    """A targeted fix: the error, its category and the current files, after the shared part."""
    shown = "\n".join(
        render_file_block(path, content) if content is not None else f"{path}: (missing)\n"
        for path, content in files.items()
    )
    relevant = "\n".join(failure.relevant_lines) or failure.summary
    user = (
        f"Task {task.id}: {task.name}\n\nAction:\n{task.action}\n\n"
        f"Files: {', '.join(task.files)}\nVerify command: {task.verify}\n\n"
        f"The verify command failed (fix attempt {attempt}).\n"
        f"Error category: {failure.category.value}\nError: {failure.summary}\n\n"
        f"Relevant lines:\n{relevant}\n\nVerify output (tail):\n{verify_output}\n\n"
        f"Current files:\n{shown}\n"
        "Fix the cause of this error. "
        + (
            "Return the corrected files in full; only the task's files."
            if edit_format == "whole"
            else "Return edits (=== EDIT:) for files that exist and whole files for missing "
            "ones; only the task's files."
        )
    )
    return (*shared_messages(shared, edit_format), ("user", user))


def correction_messages(
    base: Messages, answer: str, task: Task, problems: str, *, whole_files: list[str]
) -> Messages:
    """Ask again after an edit did not apply: once for a corrected edit, then for whole files.

    ``whole_files`` empty means the first correction (edits welcome); otherwise the
    listed files are asked for in full.
    """
    if whole_files:
        ask = (
            "The edits still do not apply. Answer with the complete content of "
            + ", ".join(whole_files)
            + " as === FILE: blocks; nothing else."
        )
    else:
        ask = (
            "Answer again for the failed files only: a corrected === EDIT: whose SEARCH "
            "copies the current lines exactly, or the whole file as === FILE:. Files that "
            "applied are already written."
        )
    user = f"Task {task.id}: part of your answer could not be applied.\n{problems}\n\n{ask}"
    return (*base, ("assistant", answer), ("user", user))


def init_messages(project_name: str, description: str) -> Messages:
    """The call behind ``init --prompt``."""
    user = (
        f"Project name: {project_name}\nDescription: {description}\n\n"
        "Write PROJECT.md and REQUIREMENTS.md for it."
    )
    return (("system", INIT_SYSTEM), ("user", user))
