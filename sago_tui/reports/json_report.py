"""``--json FILE``: the run as one JSON document for scripts and dashboards.

Schema ``sago-tui/run-report``, version 1. Keys are always present; a value that
is unknown is ``null``. Money is US dollars, durations are seconds, times are
ISO 8601 with a UTC offset::

    {
      "schema": "sago-tui/run-report", "version": 1,
      "run_id": "20250131-140509-ab12",  "command": "run",
      "project": "/abs/path",            "model": "openai/gpt-4o",
      "exit_code": 1,                     "exit_status": "task_failed",
      "success": false,                   "reason": "failed: 1.2",
      "started_at": "…", "finished_at": "…", "duration_s": 12.3,
      "max_cost_usd": 0.5 | null,         "trace": "/abs/path/.planning/traces/<run id>.jsonl",
      "totals": {
        "tasks": 4, "passed": 1, "failed": 1, "cached": 1, "skipped": 1, "not_run": 0,
        "attempts": 3, "tokens": 5120, "cached_tokens": 2048, "cost_usd": 0.0123,
        "estimated_cost_usd": 0.02 | null, "duration_s": 12.3
      },
      "tasks": [{
        "id": "1.2", "name": "…", "phase": "Phase 1: …",
        "status": "passed" | "failed" | "cached" | "skipped" | "not_run",
        "reason": "one line: why it failed / was skipped / came from the cache",
        "error": "category: summary" | "", "category": "import" | "",
        "attempts": 2, "fix_attempts": 1, "tokens": 1830, "cached_tokens": 1024,
        "cost_usd": 0.0041, "estimated_cost_usd": 0.005 | null, "duration_s": 3.2,
        "files": ["src/a.py"], "files_written": ["src/a.py"],
        "verify": {"command": "python -c …", "passed": false | true | null,
                   "exit_code": 1 | null, "timed_out": false,
                   "output_tail": "last lines of stdout+stderr (failed tasks)"}
      }]
    }

``exit_status`` names the exit code (DESIGN.md §2): ``ok``, ``task_failed``,
``bad_input``, ``provider_error``, ``budget_reached``, ``not_approved``,
``interrupted``. ``totals.tokens`` and ``totals.cost_usd`` include the plan call;
a task's ``tokens``/``cost_usd`` only its own calls. ``cached_tokens`` are the input
tokens the provider served from its prompt cache (part of ``tokens``, priced at the
cache-read cost; DESIGN.md §13). ``verify.passed`` is ``null``
when the command did not run in this run (cached, skipped, not run, no verify).
"""

from __future__ import annotations

import json
from typing import Any

from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, PASSED, SKIPPED
from sago_tui.reports.model import RunReport, TaskReport

SCHEMA = "sago-tui/run-report"
VERSION = 1


def _task(task: TaskReport) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "phase": task.phase,
        "status": task.status,
        "reason": task.reason,
        "error": task.error,
        "category": task.category,
        "attempts": task.attempts,
        "fix_attempts": task.fix_attempts,
        "tokens": task.tokens,
        "cached_tokens": task.cached_tokens,
        "cost_usd": task.cost_usd,
        "estimated_cost_usd": task.estimated_cost_usd,
        "duration_s": task.duration_s,
        "files": task.files,
        "files_written": task.files_written,
        "verify": {
            "command": task.verify,
            "passed": task.verify_passed,
            "exit_code": task.verify_exit_code,
            "timed_out": task.verify_timed_out,
            "output_tail": task.output_tail,
        },
    }


def report_document(report: RunReport) -> dict[str, Any]:
    """The JSON document as Python data."""
    estimate = report.estimated_cost_usd
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "run_id": report.run_id,
        "command": report.command,
        "project": report.project,
        "model": report.model,
        "exit_code": report.exit_code,
        "exit_status": report.exit_status,
        "success": report.exit_code == 0,
        "reason": report.reason,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "duration_s": report.duration_s,
        "max_cost_usd": report.max_cost_usd,
        "trace": report.trace,
        "totals": {
            "tasks": len(report.tasks),
            **{status: report.count(status) for status in (PASSED, FAILED, CACHED, SKIPPED)},
            NOT_RUN: report.count(NOT_RUN),
            "attempts": sum(task.attempts for task in report.tasks),
            "tokens": report.tokens,
            "cached_tokens": report.cached_tokens,
            "cost_usd": report.cost_usd,
            "estimated_cost_usd": None if estimate is None else round(estimate, 6),
            "duration_s": report.duration_s,
        },
        "tasks": [_task(task) for task in report.tasks],
    }


def render_json(report: RunReport) -> str:
    """The document as indented UTF-8 JSON text."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
