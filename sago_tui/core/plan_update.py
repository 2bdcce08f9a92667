"""``plan --update``: a minimal plan change for a changed spec (DESIGN.md §11).

One planner call gets the unified diff of the spec, the current PLAN.md and each
task's status. Its answer may write unaffected tasks as ``<keep id="…"/>``; they
are restored byte for byte (:mod:`plan_keep`), so their cache entries hold and
the next run executes only new and changed tasks (and those depending on them).
An answer that does not parse, validate or keep known tasks gets the one
corrective retry. The result is shown as a :class:`PlanDiff` and replaces PLAN.md
only when the reviewer approves it; a refused proposal is kept under
``.planning/raw/``. With no drift nothing is asked and no call is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.bus import EventBus
from sago_tui.core.context import ProjectContext
from sago_tui.core.drift import SpecDrift, compare_specs, detect_drift
from sago_tui.core.errors import PlanError
from sago_tui.core.estimate import call_cost, expected_plan_tokens
from sago_tui.core.events import PlanGenerated
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_diff import PlanDiff, diff_plans, render_diff
from sago_tui.core.plan_keep import expand_keeps, task_sources
from sago_tui.core.plan_parser import load_plan, parse_plan
from sago_tui.core.planner import AGENT, extract_plan_text, save_raw_answer, spec_text
from sago_tui.core.project import Project
from sago_tui.core.requirements import parse_requirements
from sago_tui.core.spec_snapshot import load_snapshot, read_spec, save_snapshot
from sago_tui.core.state import StateStore
from sago_tui.core.tokens import count_tokens
from sago_tui.core.traceability import task_statuses, trace_issues
from sago_tui.core.update_prompts import status_lines, update_messages


@dataclass
class PlanUpdate:
    """A proposed plan update: the new plan, its text, and what it changes."""

    drift: SpecDrift
    old_plan: Plan
    plan: Plan
    text: str
    diff: PlanDiff
    warnings: list[PlanIssue] = field(default_factory=list)
    kept: tuple[str, ...] = ()
    attempts: int = 1
    applied: bool = False
    saved_to: Path | None = None


Reviewer = Callable[[PlanUpdate], bool]
"""Shows the update to the user; True replaces PLAN.md."""


def current_drift(project: Project) -> SpecDrift:
    """The drift to update for: against the snapshot, or (none yet) against an empty spec."""
    drift = detect_drift(project)
    if drift is not None:
        return drift
    if load_snapshot(project) is None and project.plan_path.is_file():
        return compare_specs({}, read_spec(project))
    return SpecDrift()


@dataclass(frozen=True)
class _Candidate:
    """An answer that passed every check: its plan, expanded text, warnings and kept ids."""

    plan: Plan
    text: str
    warnings: list[PlanIssue]
    kept: tuple[str, ...]


def _check(text: str, sources: dict[str, str], requirements: str) -> _Candidate | list[str]:
    """The usable update in ``text``, or the problems for the corrective retry."""
    expanded = expand_keeps(text, sources)
    if expanded.problems:
        return list(expanded.problems)
    try:
        plan, warnings = parse_plan(expanded.text)
    except PlanError as exc:
        return exc.problems or [exc.message]
    issues = trace_issues(plan, parse_requirements(requirements))
    errors = [str(issue) for issue in issues if issue.severity == "error"]
    if errors:
        return errors
    return _Candidate(plan, expanded.text, warnings + issues, expanded.kept)


def update_plan(
    project: Project,
    gateway: LLMGateway,
    bus: EventBus,
    review: Reviewer,
    feedback: str | None = None,
) -> PlanUpdate | None:
    """Propose, review and (if approved) write the updated plan; None without drift."""
    project.require_initialized()
    if not project.plan_path.is_file():
        raise PlanError(f"PLAN.md not found in {project.root}; run `sago-tui plan` first")
    drift = current_drift(project)
    if not drift:
        return None
    old_text = project.plan_path.read_text(encoding="utf-8")
    old_plan, _ = load_plan(project.plan_path)
    sources = task_sources(old_text)
    statuses = status_lines(old_plan, task_statuses(StateStore(project.state_path).snapshot()))
    shared = ProjectContext.load(project, emit=bus.emit)
    spec, diff_text = spec_text(shared), drift.unified_diff()
    requirements = drift.new.get("REQUIREMENTS.md", "")
    messages = update_messages(spec, diff_text, old_text, statuses, feedback=feedback)
    answer, problems = "", ["no answer"]
    for attempt in (1, 2):
        if attempt == 2:
            messages = update_messages(
                spec, diff_text, old_text, statuses, feedback=feedback, problems=problems,
                rejected_answer=answer,
            )  # fmt: skip
        prompt_tokens = sum(count_tokens(content, gateway.model) for _, content in messages)
        response = gateway.call(
            LLMRequest(messages=messages, purpose="plan_update", attempt=attempt),
            agent=AGENT,
            prompt_tokens=prompt_tokens,
            estimate_usd=call_cost(
                gateway.model, prompt_tokens, expected_plan_tokens(requirements)
            ),
        )
        answer = response.content
        if response.truncated:
            problems = ["the answer was cut off by the token limit; keep more tasks with <keep>"]
            continue
        checked = _check(extract_plan_text(answer), sources, requirements)
        if isinstance(checked, list):
            problems = checked
            continue
        diff = diff_plans(old_plan, checked.plan, project.root)
        update = PlanUpdate(
            drift, old_plan, checked.plan, checked.text, diff, checked.warnings, checked.kept,
            attempt,
        )  # fmt: skip
        _decide(project, bus, update, review)
        return update
    raw = save_raw_answer(project, answer)
    raise PlanError(
        "the LLM's plan update is still invalid after a corrective retry (answer saved to "
        f"{raw.relative_to(project.root)}): {problems[0]}",
        problems,
    )


def _decide(project: Project, bus: EventBus, update: PlanUpdate, review: Reviewer) -> None:
    if not review(update):
        proposal = "\n".join(render_diff(update.diff)) + "\n\n" + update.text
        update.saved_to = save_raw_answer(project, proposal)
        return
    atomic_write_text(project.plan_path, update.text)
    save_snapshot(project, update.drift.new)
    update.applied = True
    bus.emit(
        PlanGenerated(
            phases=len(update.plan.phases),
            tasks=len(update.plan.tasks),
            attempts=update.attempts,
            warnings=[str(w) for w in update.warnings],
        )
    )
