"""The run as GitHub-flavoured Markdown, appended to ``$GITHUB_STEP_SUMMARY``.

A heading with the outcome, one table row per task with a status icon, the
totals and cost, then a collapsed section per failed task holding its reason
and the tail of its verify output. Everything taken from the run (task names,
reasons, output) is escaped so it cannot break the table or inject HTML.
"""

from __future__ import annotations

import html
import re

from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, PASSED, SKIPPED
from sago_tui.reports.model import RunReport, TaskReport
from sago_tui.reports.text import clean, flat

ICONS: dict[str, str] = {PASSED: "✅", FAILED: "❌", CACHED: "♻️", SKIPPED: "⏭️", NOT_RUN: "⏸️"}
LABELS: dict[str, str] = {PASSED: "passed", CACHED: "cached", FAILED: "failed", SKIPPED: "skipped",
          NOT_RUN: "not run"}  # fmt: skip


def inline(text: str, limit: int = 400) -> str:
    """``text`` as inline Markdown: one line, at most ``limit`` characters, HTML-escaped.

    Escaping ``<`` and ``&`` keeps a task name like ``<script>`` inert; ``*``, ``_``
    and friends are escaped so LLM text cannot restyle the summary.
    """
    line = flat(text)
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    # `$` too: GitHub renders text between two dollar signs as LaTeX math.
    return re.sub(r"([\\`*_\[\]#~$])", r"\\\1", html.escape(line, quote=False))


def cell(text: str, limit: int = 120) -> str:
    """``text`` as one table cell: :func:`inline` with pipes escaped (GFM tables)."""
    return inline(text, limit).replace("|", "\\|") or " "


def code_span(text: str) -> str:
    """``text`` as a code span (no escaping applies inside; the fence outgrows backticks)."""
    line = flat(text)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{ticks}{pad}{line}{pad}{ticks}"


def money(value: float | None) -> str:
    return "–" if value is None else f"${value:.4f}"


def fenced(text: str) -> str:
    """``text`` in a code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def totals_line(report: RunReport) -> str:
    """``3 passed · 1 failed · 12,345 tokens · $0.0421 (estimated $0.0500) · 14.2s``."""
    counts = [
        f"{report.count(status)} {LABELS[status]}" for status in LABELS if report.count(status)
    ] or ["no tasks"]
    cost = money(report.cost_usd)
    if report.estimated_cost_usd is not None:
        cost += f" (estimated {money(report.estimated_cost_usd)})"
    if report.max_cost_usd is not None:
        cost += f" of a {money(report.max_cost_usd)} budget"
    return " · ".join([*counts, f"{report.tokens:,} tokens", cost, f"{report.duration_s:.1f}s"])


def _row(task: TaskReport) -> str:
    tries = str(task.attempts) if task.attempts else "–"
    tokens = f"{task.tokens:,}" if task.tokens else "–"
    cost = cell(money(task.cost_usd)) if task.tokens else "–"
    time = f"{task.duration_s:.1f}s" if task.duration_s else "–"
    cells = [ICONS.get(task.status, "❔"), cell(task.id), cell(task.name, 60),
             cell(task.phase, 40), LABELS.get(task.status, task.status), tries, tokens,
             cell(money(task.estimated_cost_usd)), cost, time]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def render_markdown(report: RunReport) -> str:
    """The step summary section for one run."""
    ok = report.exit_code == 0
    verdict = "passed" if ok else f"failed (exit {report.exit_code}, {report.exit_status})"
    project = report.project.rstrip("/").rsplit("/", 1)[-1]
    lines = [
        f"### {'✅' if ok else '❌'} sago-tui {inline(report.command)}: {verdict}",
        "",
        f"Project {code_span(project)} · model {code_span(report.model or 'unknown')} · "
        f"run {code_span(report.run_id)}",
        "",
    ]
    if report.tasks:
        lines += [
            "| | Task | Name | Phase | Status | Tries | Tokens | Est. | Cost | Time |",
            "|:-:|---|---|---|---|--:|--:|--:|--:|--:|",
            *(_row(task) for task in report.tasks),
            "",
        ]
    lines.append(f"**Totals:** {inline(totals_line(report))}")
    if not ok and report.reason:
        lines += ["", f"**Result:** {inline(report.reason)}"]
    for task in report.tasks:
        if task.status != FAILED:
            continue
        # Inside <summary> Markdown is not parsed: plain HTML escaping is the right one.
        summary = html.escape(flat(f"{task.id} {task.name}: {task.reason}")[:300], quote=False)
        lines += ["", f"<details><summary>❌ {summary}</summary>", ""]
        transcript = [f"$ {clean(task.verify)}"] if task.verify else []
        if task.output_tail:
            transcript.append(clean(task.output_tail))
        if transcript:
            lines += [fenced("\n".join(transcript)), ""]
        lines.append("</details>")
    return "\n".join(lines) + "\n\n"
