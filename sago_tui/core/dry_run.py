"""``run --dry-run``: what a run would cost, before any LLM call (DESIGN.md §6).

Every task's real prompt is built (context, compression, system prompt) and
counted; shared sections are counted once. Tasks the cache would skip are
marked and cost nothing. Without a PLAN.md the plan call itself is estimated.
The prompt prefix every task shares (DESIGN.md §13) is counted per task, so the
estimate also says what a provider's prompt cache could save on tasks 2…N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sago_tui.core.cache import TaskCache
from sago_tui.core.compression import compress_sections
from sago_tui.core.context import (
    SHARED_SECTIONS,
    ProjectContext,
    TaskContext,
    build_task_context,
)
from sago_tui.core.context_window import context_window, oversize_message
from sago_tui.core.estimate import (
    call_cost,
    expected_output_tokens,
    expected_plan_tokens,
)
from sago_tui.core.plan import Plan
from sago_tui.core.planner import plan_request_messages
from sago_tui.core.pricing import price_for
from sago_tui.core.project import Project
from sago_tui.core.prompt_cache import MIN_CACHEABLE_TOKENS, cache_saving
from sago_tui.core.prompts import shared_messages
from sago_tui.core.settings import Settings
from sago_tui.core.tokens import count_tokens, is_exact
from sago_tui.core.waves import data_dependencies_of


@dataclass(frozen=True)
class CallEstimate:
    """One planned LLM call: a task's call, or the plan call (``task_id`` = "plan")."""

    task_id: str
    name: str
    phase: str
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    cached: bool = False
    shared_tokens: int = 0  # the prompt prefix this call shares with every task call


def oversized(estimate: RunEstimate) -> list[str]:
    """One message per billable call whose prompt exceeds the model's context window."""
    window = context_window(estimate.model)
    if window is None:
        return []
    return [
        oversize_message(
            f"task {row.task_id}" if row.task_id != "plan" else "the plan call",
            row.input_tokens, window, estimate.model,
        ).replace("nothing was sent", "the run will refuse it")
        for row in estimate.billable
        if row.input_tokens > window
    ]  # fmt: skip


@dataclass
class RunEstimate:
    """Estimates for a whole run; ``cost_usd`` is None when the price is unknown."""

    model: str
    exact_tokens: bool
    price_known: bool
    rows: list[CallEstimate] = field(default_factory=list)

    @property
    def billable(self) -> list[CallEstimate]:
        return [r for r in self.rows if not r.cached]

    @property
    def input_tokens(self) -> int:
        return sum(r.input_tokens for r in self.billable)

    @property
    def output_tokens(self) -> int:
        return sum(r.output_tokens for r in self.billable)

    @property
    def cost_usd(self) -> float | None:
        if not self.price_known:
            return None
        return sum(r.cost_usd or 0.0 for r in self.billable)

    @property
    def cacheable_tokens(self) -> int:
        """Input tokens a provider's prompt cache could serve: the shared prefix of every
        billable task call after the first, when it is long enough to be cached."""
        calls = [r for r in self.billable if r.shared_tokens >= MIN_CACHEABLE_TOKENS]
        return sum(r.shared_tokens for r in calls[1:])

    @property
    def cache_saving_usd(self) -> float | None:
        """What :attr:`cacheable_tokens` would save at the cache-read price (None: unknown)."""
        return cache_saving(self.model, self.cacheable_tokens)

    def phase_totals(self) -> list[tuple[str, int, int, float | None]]:
        """(phase, input tokens, output tokens, cost) per phase, in plan order."""
        totals: dict[str, list[float]] = {}
        for row in self.billable:
            acc = totals.setdefault(row.phase, [0, 0, 0.0])
            acc[0] += row.input_tokens
            acc[1] += row.output_tokens
            acc[2] += row.cost_usd or 0.0
        return [
            (phase, int(a[0]), int(a[1]), a[2] if self.price_known else None)
            for phase, a in totals.items()
        ]


def estimate_run(
    project: Project, settings: Settings, plan: Plan | None, *, model: str | None = None
) -> RunEstimate:
    """Estimate every call of a run of ``plan`` (or of planning, when ``plan`` is None)."""
    model = model or settings.llm.litellm_model
    estimate = RunEstimate(model, is_exact(model), price_for(model) is not None)
    shared = ProjectContext.load(project)
    if plan is None:
        messages = plan_request_messages(project, shared)
        tokens = sum(count_tokens(content, model) for _, content in messages)
        reqs = project.spec_path("REQUIREMENTS.md")
        text = reqs.read_text(encoding="utf-8", errors="replace") if reqs.is_file() else ""
        output = expected_plan_tokens(text)
        estimate.rows.append(
            CallEstimate("plan", "Generate PLAN.md", "Planning", tokens, output,
                         call_cost(model, tokens, output))
        )  # fmt: skip
        return estimate
    edit_format = settings.llm.edit_format
    cache = TaskCache(
        project, plan, model, data_dependencies_of(plan), lambda _: None,
        verify=settings.run.verify,
    )  # fmt: skip
    would_run: set[str] = set()
    for task in plan.tasks:
        cached = False
        if settings.run.use_cache:
            cached = cache.check(task, would_run).hit
        if not cached:
            would_run.add(task.id)
        context = build_task_context(project, task, plan, shared)
        sections = context.sections
        if settings.run.compress:
            sections = compress_sections(
                sections,
                model=model,
                max_tokens=settings.run.max_context_tokens,
                threshold=settings.run.compression_threshold,
                strategy="sliding_window",
            ).sections
        task_context = TaskContext(task, list(sections))
        prefix_messages = shared_messages(task_context.render_shared(), edit_format)
        prefix = sum(count_tokens(content, model) for _, content in prefix_messages) + 8
        own = [s for s in task_context.sections if s.name not in SHARED_SECTIONS]
        # Per section, so the tree and the spec are tokenized once for the whole plan.
        tokens = prefix + sum(count_tokens(s.render(), model) for s in own) + 20
        output = expected_output_tokens(project.root, task, edit_format)
        cost = 0.0 if cached else call_cost(model, tokens, output)
        estimate.rows.append(
            CallEstimate(task.id, task.name, task.phase, tokens, output, cost, cached, prefix)
        )
    return estimate
