"""``sago-tui run --dry-run``: the cost table, with zero LLM calls."""

from __future__ import annotations

import argparse
import sys

from rich.markup import escape

from sago_tui.commands.common import settings_for, stdout_console
from sago_tui.core.drift import detect_drift
from sago_tui.core.dry_run import RunEstimate, estimate_run, oversized
from sago_tui.core.errors import ExitCode
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.tokens import tokenizer_name
from sago_tui.headless import money, tokens
from sago_tui.reports.grid import Column, GridTable


def _cost(value: float | None, estimate: RunEstimate) -> str:
    return money(value) if estimate.price_known else "price unknown"


def print_dry_run(project: Project, args: argparse.Namespace) -> int:
    """Print the estimate per task and per phase, with totals."""
    settings = settings_for(project, args)
    console = stdout_console()
    plan = None
    if project.plan_path.exists() and not getattr(args, "force_plan", False):
        plan, _ = load_plan(project.plan_path)
    model = settings.llm.litellm_model
    if settings.llm.replay is not None:
        from sago_tui.core.replay import ReplayClient

        model = ReplayClient(settings.llm.replay).model
    estimate = estimate_run(project, settings, plan, model=model)
    encoding = tokenizer_name(model)
    counted = f"counted with {encoding}" if encoding else "approximated (characters / 4)"
    console.print(f"Dry run · model {escape(model)} · input tokens {counted}")
    drift = detect_drift(project) if plan is not None else None
    if drift:  # the estimate is of PLAN.md as it is, not of the plan the spec now asks for
        console.print(f"[yellow]warning: {escape(drift.line())}; estimating PLAN.md as it is[/]")
    # Plain cells (no markup): a task called "[b]x" prints as written.
    numbers = [Column(name, justify="right") for name in ("Input", "Output", "Cost")]
    table = GridTable([Column("Task"), Column("Name"), Column("Phase"), *numbers])
    for row in estimate.rows:
        cost = "cached" if row.cached else _cost(row.cost_usd, estimate)
        table.add_row(
            row.task_id, row.name, row.phase,
            tokens(row.input_tokens), tokens(row.output_tokens), cost,
        )  # fmt: skip
    console.print(table)
    if plan is not None:
        phases = GridTable([Column("Phase"), *numbers], title="Per phase")
        for name, inp, out, phase_cost in estimate.phase_totals():
            phases.add_row(name, tokens(inp), tokens(out), _cost(phase_cost, estimate))
        console.print(phases)
    cached = sum(1 for r in estimate.rows if r.cached)
    console.print(
        f"Total: {tokens(estimate.input_tokens)} input + {tokens(estimate.output_tokens)} "
        f"expected output tokens · {_cost(estimate.cost_usd, estimate)}"
        + (f" · {cached} cached task(s) cost nothing" if cached else "")
    )
    if estimate.cacheable_tokens:
        saving = estimate.cache_saving_usd
        share = 100 * estimate.cacheable_tokens / max(1, estimate.input_tokens)
        console.print(
            f"Prompt cache: {tokens(estimate.cacheable_tokens)} input tokens ({share:.0f} %) "
            "are a prefix shared by every task"
            + (f" · could save {money(saving)}" if saving else "")
        )
    if plan is None:
        console.print("No PLAN.md yet: this is the cost of generating it; run again after `plan`.")
    if settings.run.max_cost is not None and estimate.cost_usd is not None:
        verdict = "within" if estimate.cost_usd <= settings.run.max_cost else "OVER"
        console.print(f"Budget: ${settings.run.max_cost:.2f} ({verdict} budget)")
    console.print("No LLM calls were made.")
    too_large = oversized(estimate)
    for message in too_large:  # the run would refuse these calls: say so now (exit 2)
        print(f"sago-tui: error: {message}", file=sys.stderr)
    return int(ExitCode.BAD_INPUT) if too_large else 0
