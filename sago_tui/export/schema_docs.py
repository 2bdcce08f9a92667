"""What each trace event and data field means (the prose of docs/TRACE.md's tables).

Names and types come from :mod:`sago_tui.core.events`; :mod:`sago_tui.export.schema`
refuses to generate the docs while anything there lacks a meaning here.
"""

from __future__ import annotations

EVENT_DOCS: dict[str, str] = {
    "workflow_start": "A run, plan or init command started. First line of every trace.",
    "workflow_end": "The command ended. Written on every path (failure, budget, Ctrl-C "
    "included); a trace without it comes from a process that was killed or crashed.",
    "plan_generated": "PLAN.md was written from an LLM answer (added; not in the seed).",
    "plan_approval": "The plan was approved in the app; skipped tasks will not run (added).",
    "task_start": "A task began executing, after the cache decided it must run.",
    "task_end": "A task ended: passed, failed, cached or not run.",
    "task_skip": "A task did not run: skipped at approval, a dependency failed, or the run "
    "stopped first (added).",
    "file_read": "A file was read into a prompt (spec files for the plan, the task's "
    "files and context for a task).",
    "file_write": "A file was written atomically from an LLM answer.",
    "file_refused": "The answer named a path the task may not write; nothing was written "
    "there (added).",
    "llm_request": "An LLM call is about to be sent; the app shows it in flight.",
    "llm_delta": "A chunk of streamed answer text.",
    "llm_call": "An LLM call finished, with its real usage and cost.",
    "verify_run": "A task's `<verify>` command ran (once per attempt).",
    "cache_hit": "A passed task was unchanged and is skipped with zero LLM calls.",
    "cache_miss": "A task must run; the reason says why.",
    "compression": "A prompt was compressed to fit the context budget (`--compress`).",
    "error": "Something failed (a provider error, a write that failed, an internal error).",
    "warning": "A non-fatal problem: plan validation, an LLM retry, a corrupt cache entry, "
    "a git failure (added).",
    "fix_attempt": "One auto-fix attempt after a failed verify (`--auto-retry`) (added).",
    "git_commit": "The files of a passed task were committed, or the commit failed "
    "(`--git-commit`) (added).",
    "budget_stop": "The run stopped before a call that would cross `--max-cost` (added).",
}

_ALWAYS = "always"
_SOMETIMES = "when the event concerns a task (absent for planning and run-level ones)"
_NEVER = "never (a run-level event)"
TASK_SCOPE: dict[str, str] = {
    **dict.fromkeys(("workflow_start", "workflow_end", "plan_generated", "plan_approval"), _NEVER),
    **dict.fromkeys(
        (
            "task_start",
            "task_end",
            "task_skip",
            "cache_hit",
            "cache_miss",
            "fix_attempt",
            "git_commit",
            "file_write",
            "file_refused",
            "verify_run",
            "compression",
        ),
        _ALWAYS,
    ),
    **dict.fromkeys(
        ("file_read", "llm_call", "llm_request", "llm_delta", "error", "warning", "budget_stop"),
        _SOMETIMES,
    ),
}
"""Whether an event type carries ``data.task_id``."""

_PREVIEW = "capped at 16,000 characters; a longer text ends with `… [N more characters]`"

FIELD_DOCS: dict[str, dict[str, str]] = {
    "*": {"task_name": "the task's `<name>`"},
    "workflow_start": {
        "project_path": "absolute path of the project directory",
        "total_tasks": "tasks in PLAN.md when the run started (0 when the plan is generated "
        "during the run; see `plan_generated.tasks`) (added)",
        "run_id": "the run's id, also the name of `.planning/traces/<run_id>.jsonl`",
        "command": "`run`, `execute`, `plan` or `init`",
        "model": "the model every call of the run uses",
        "options": "the run flags in effect: `parallel`, `auto_retry`, `max_retries`, "
        "`git_commit`, `compress`, `cache`, `verify`, `continue_on_failure`, `max_cost`",
    },
    "workflow_end": {
        "success": "true when every task passed (or was cached)",
        "total_tasks": "tasks in the plan",
        "passed": "tasks that ran and passed",
        "failed": "tasks that failed",
        "cached": "tasks skipped because the cache had them",
        "skipped": "tasks skipped at approval or because a dependency failed",
        "not_run": "tasks never started because the run stopped",
        "duration_s": "wall time of the command, seconds",
        "exit_code": "the process exit code (0 ok, 1 task failed, 2 bad input, 3 provider, "
        "4 budget, 5 not approved, 130 interrupted)",
        "reason": "why the run did not succeed (empty on success)",
        "total_tokens": "prompt + completion tokens of every call",
        "cost_usd": "total cost of every call, USD",
        "cached_tokens": "prompt tokens of every call served by the provider's prompt cache",
    },
    "plan_generated": {
        "path": "the plan file written (`PLAN.md`)",
        "phases": "number of phases",
        "tasks": "number of tasks",
        "attempts": "LLM calls it took (a second one corrects an unparseable answer)",
        "warnings": "validator warnings, one string each",
    },
    "plan_approval": {
        "plan_hash": "SHA-256 of PLAN.md as approved",
        "approved": "ids of the tasks that will run",
        "skipped": "ids of the tasks skipped at approval",
        "approved_by": "who approved (`tui`: in the app)",
    },
    "task_start": {
        "phase": "the task's phase name",
        "files": "the task's declared `<files>`",
        "depends_on": "the task's `depends_on` ids (empty when none)",
        "wave": "its wave (1 = no dependencies) in the dependency order",
    },
    "task_end": {
        "phase": "the task's phase name",
        "success": "true for passed and cached",
        "status": "`passed`, `failed`, `cached` or `not_run`",
        "duration_s": "seconds from task start to end",
        "error": "the failure (category and verify output tail); empty when it passed",
        "category": "failure category (`syntax`, `import`, `test_failure`, `timeout`, …)",
        "attempts": "verify runs (1 + fix attempts); 0 when it never ran",
        "total_tokens": "tokens of the task's calls",
        "cost_usd": "cost of the task's calls, USD",
        "cached_tokens": "prompt tokens of the task's calls served by the provider's prompt cache",
        "estimated_cost_usd": "the dry-run estimate made before its first call; null when "
        "no call was made or the model has no price",
    },
    "task_skip": {
        "phase": "the task's phase name",
        "reason": "why: `skipped at plan approval`, `dependency 1.1 failed`, `not run: …`",
    },
    "file_read": {
        "path": "path relative to the project",
        "size_bytes": "size of the file",
        "content_preview": f"the text read, {_PREVIEW}",
    },
    "file_write": {
        "path": "path relative to the project",
        "size_bytes": "size written",
        "content_preview": f"the content written, {_PREVIEW}",
        "diff": "unified diff against the previous content (empty when unchanged)",
        "created": "true when the file did not exist before",
    },
    "file_refused": {
        "path": "the path the answer named",
        "reason": "why it was refused (outside the project, not declared, protected)",
    },
    "llm_request": {
        "model": "model asked",
        "purpose": "`plan`, `task`, `fix` or `init`",
        "prompt_tokens": "counted prompt size",
    },
    "llm_delta": {"text": "the next chunk of the answer"},
    "llm_call": {
        "model": "model that answered",
        "purpose": "`plan`, `task`, `fix`, `edit` (asking again after an edit did not "
        "apply) or `init`",
        "attempt": "1 for the task call, 2+ for fix calls",
        "prompt_tokens": "prompt tokens reported by the provider",
        "completion_tokens": "answer tokens reported by the provider",
        "total_tokens": "prompt + completion",
        "cached_tokens": "prompt tokens served by the provider's prompt cache (part of "
        "prompt_tokens, priced at the cache-read cost)",
        "cost_usd": "cost of the call, USD; null when the model has no price",
        "duration_s": "seconds the call took",
        "finish_reason": "`stop`, or `length` when the answer was cut off (an error)",
        "prompt_preview": f"the prompt sent, secrets redacted, {_PREVIEW}",
        "response_preview": f"the answer, secrets redacted, {_PREVIEW}",
    },
    "verify_run": {
        "command": "the `<verify>` command (run by `/bin/sh -c` in the project directory)",
        "success": "true when it exited 0 in time",
        "exit_code": "its exit code; null when it was killed at the timeout",
        "duration_s": "seconds it ran",
        "stdout": f"captured standard output, {_PREVIEW}",
        "stderr": f"captured standard error, {_PREVIEW}",
        "timed_out": "true when it was killed at the timeout",
        "category": "failure category when it failed",
        "attempt": "1 for the first verify, 2+ after each fix",
    },
    "cache_hit": {"key": "the cache key (hash of definition, model and inputs)"},
    "cache_miss": {
        "reason": "why it runs: `no cached result`, `action changed`, "
        "`input src/a.py changed`, `model changed`, `cache disabled`"
    },
    "compression": {
        "strategy": "`sliding_window` or `llmlingua`",
        "original_tokens": "prompt tokens before",
        "compressed_tokens": "prompt tokens after",
        "savings_pct": "percentage saved",
    },
    "error": {
        "message": "one-line description",
        "error_type": "machine-readable kind (`llm_auth`, `internal`, an exception name)",
    },
    "warning": {"message": "one-line description"},
    "fix_attempt": {
        "attempt": "1 for the first fix",
        "category": "the failure category the fix addressed",
        "outcome": "`fixed`, `failed` or `gave_up`",
        "reason": "detail (`verify passed after the fix`, `the same failure came back`, …)",
    },
    "git_commit": {
        "success": "true when the commit was made (or there was nothing to commit)",
        "sha": "the new commit; empty when nothing was committed",
        "files": "the files committed (exactly the task's written files)",
        "message": "the commit message",
        "error": "git's error when it failed",
    },
    "budget_stop": {
        "spent_usd": "cost so far, USD",
        "next_estimate_usd": "estimated cost of the call that was not made",
        "max_cost_usd": "the `--max-cost` budget",
        "purpose": "purpose of the call that was not made",
    },
}
