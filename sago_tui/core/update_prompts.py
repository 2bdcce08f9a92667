"""The ``plan --update`` prompt: the spec diff, the current plan and each task's status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sago_tui.core.plan import Plan
from sago_tui.core.prompts import Messages, planner_messages

UPDATE_RULES = """# How to update the plan

The spec changed after PLAN.md was made (the diff is above). Write the complete updated \
PLAN.md for the new spec:
- A task the change does not affect is written as exactly `<keep id="1.2"/>` in its phase, \
in place of the whole <task> element. It is restored byte for byte, so its finished work is \
reused. Keep every task you can.
- Change a task only when the spec change requires it; keep its id.
- Give new tasks new ids (never reuse the id of a task you remove, never renumber kept tasks).
- Drop tasks that only served removed requirements.
- Every task names the requirements it serves in reqs="REQ-1, REQ-2"."""


def status_lines(plan: Plan, statuses: Mapping[str, str]) -> str:
    """One line per task of the current plan: ``- 1.2 (passed): name``."""
    return "\n".join(
        f"- {task.id} ({statuses.get(task.id, 'pending')}): {task.name}" for task in plan.tasks
    )


def update_messages(
    spec: str,
    spec_diff: str,
    current_plan: str,
    task_status: str,
    *,
    feedback: str | None = None,
    problems: Sequence[str] = (),
    rejected_answer: str | None = None,
) -> Messages:
    """The update call; ``problems`` (with the rejected answer) asks for a corrected plan."""
    user = "\n\n".join(
        (
            f"# The project spec (as it is now)\n\n{spec}",
            f"# What changed in the spec since the plan was made\n\n```diff\n{spec_diff}```",
            f"# The current PLAN.md\n\n{current_plan}",
            f"# Status of each task of the current plan\n\n{task_status}",
            UPDATE_RULES,
            *([f"# Reviewer notes: take them into account\n\n{feedback}"] if feedback else []),
            "Write the updated PLAN.md now.",
        )
    )
    return planner_messages(
        user, problems, rejected_answer, retry_hint=' (`<keep id="…"/>` still allowed)'
    )
