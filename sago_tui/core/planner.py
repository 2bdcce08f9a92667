"""Plan generation: the spec → one LLM call → a validated PLAN.md.

If the answer does not parse or validate, the LLM is asked once more with the
list of problems. An answer that still fails is saved under ``.planning/raw/``
and reported; PLAN.md is only ever replaced by a plan that passed validation.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.bus import EventBus
from sago_tui.core.context import ProjectContext
from sago_tui.core.errors import PlanError
from sago_tui.core.estimate import call_cost, expected_plan_tokens
from sago_tui.core.events import PlanGenerated
from sago_tui.core.fileblocks import FileBlockError, parse_file_blocks
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.project import Project
from sago_tui.core.prompts import Messages, plan_messages
from sago_tui.core.requirements import parse_requirements
from sago_tui.core.spec_snapshot import read_spec, save_snapshot
from sago_tui.core.tokens import count_tokens
from sago_tui.core.traceability import trace_issues

AGENT = "PlannerAgent"


def spec_text(shared: ProjectContext) -> str:
    """The spec, manifests and tree as the plan prompt shows them."""
    return "\n".join(section.render() for section in shared.sections)


def extract_plan_text(answer: str) -> str:
    """PLAN.md's content from an answer: a ``=== FILE: PLAN.md ===`` block, else the answer."""
    try:
        for block in parse_file_blocks(answer):
            if block.path.strip().lower().endswith("plan.md"):
                return block.content
    except FileBlockError:
        pass  # not in file-block form; the answer itself is the plan
    return answer.strip() + "\n"


def plan_request_messages(
    project: Project, shared: ProjectContext, feedback: str | None = None
) -> Messages:
    """The messages of the first plan call (also used by the dry-run estimate)."""
    previous = None
    if feedback and project.plan_path.is_file():
        previous = project.plan_path.read_text(encoding="utf-8", errors="replace")
    return plan_messages(spec_text(shared), feedback=feedback, previous_plan=previous)


def generate_plan(
    project: Project,
    gateway: LLMGateway,
    bus: EventBus,
    *,
    feedback: str | None = None,
) -> tuple[Plan, list[PlanIssue], str]:
    """Ask the LLM for a plan, validate it, write PLAN.md; returns (plan, warnings, text)."""
    project.require_initialized()
    spec = read_spec(project)  # the snapshot records the spec this plan is made from
    shared = ProjectContext.load(project, emit=bus.emit)
    messages = plan_request_messages(project, shared, feedback)
    requirements = project.spec_path("REQUIREMENTS.md")
    reqs = (
        requirements.read_text(encoding="utf-8", errors="replace") if requirements.is_file() else ""
    )
    answer = ""
    problems: list[str] = []
    for attempt in (1, 2):
        if attempt == 2:
            messages = plan_messages(
                spec_text(shared),
                feedback=feedback,
                problems=problems,
                rejected_answer=answer,
            )
        prompt_tokens = sum(count_tokens(content, gateway.model) for _, content in messages)
        estimate = call_cost(gateway.model, prompt_tokens, expected_plan_tokens(reqs))
        response = gateway.call(
            LLMRequest(messages=messages, purpose="plan", attempt=attempt),
            agent=AGENT,
            prompt_tokens=prompt_tokens,
            estimate_usd=estimate,
        )
        answer = response.content
        text = extract_plan_text(answer)
        if response.truncated:
            problems = ["the answer was cut off by the token limit; write a shorter plan"]
            continue
        try:
            plan, warnings = parse_plan(text)
        except PlanError as exc:
            problems = exc.problems
            continue
        traced = trace_issues(plan, parse_requirements(reqs))
        problems = [str(issue) for issue in traced if issue.severity == "error"]
        if problems:
            continue
        warnings += traced
        atomic_write_text(project.plan_path, text)
        save_snapshot(project, spec)
        bus.emit(
            PlanGenerated(
                phases=len(plan.phases),
                tasks=len(plan.tasks),
                attempts=attempt,
                warnings=[str(w) for w in warnings],
            )
        )
        return plan, warnings, text
    raw = save_raw_answer(project, answer)
    rel = raw.relative_to(project.root)
    raise PlanError(
        f"the LLM's plan is still invalid after a corrective retry (answer saved to {rel}): "
        f"{problems[0] if problems else 'unknown problem'}",
        problems,
    )


def save_raw_answer(project: Project, answer: str) -> Path:
    """Keep an unusable answer for the user to inspect."""
    project.raw_dir.mkdir(parents=True, exist_ok=True)
    path = project.raw_dir / f"plan-{datetime.now().strftime('%Y%m%d-%H%M%S')}.md"
    atomic_write_text(path, answer)
    return path
