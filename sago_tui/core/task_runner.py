"""One task (DESIGN.md §5): context → one LLM call → files → verify → fix loop.

Provider errors (``LLMError``), the budget (``BudgetExceeded``) and
cancellation (``Cancelled``) propagate to the orchestrator; everything else
ends as a :class:`TaskOutcome`.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from sago_tui.core.answer_apply import apply_answer, describe_failures
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.classify import (
    Failure,
    FailureCategory,
    classify_failure,
    fixable_by_files,
    normalise_output,
)
from sago_tui.core.compression import compress_sections, compression_event
from sago_tui.core.context import READER, ProjectContext, TaskContext, build_task_context
from sago_tui.core.context_window import context_window
from sago_tui.core.errors import Cancelled
from sago_tui.core.estimate import call_cost, expected_output_tokens
from sago_tui.core.events import FileRefused, FixAttempted, VerifyRan
from sago_tui.core.fileblocks import FileBlockError
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import LLMRequest, LLMResponse
from sago_tui.core.outcome import FAILED, PASSED, TaskOutcome
from sago_tui.core.plan import Plan, Task
from sago_tui.core.project import Project
from sago_tui.core.prompts import Messages, correction_messages, fix_messages, task_messages
from sago_tui.core.read_guard import read_refusal
from sago_tui.core.sandbox import Sandbox
from sago_tui.core.secrets import Redactor
from sago_tui.core.settings import RunOptions
from sago_tui.core.text import preview, tail_lines
from sago_tui.core.tokens import count_tokens, count_tokens_nowait
from sago_tui.core.verify import VerifyResult, run_verify

DETAIL_LINES = 20


@dataclass
class _Attempt:
    """The state of the task after an answer was applied and verified."""

    failure: Failure | None
    output: str = ""


class TaskRunner:
    """Runs tasks of one plan; safe to use from several threads at once."""

    def __init__(
        self,
        project: Project,
        plan: Plan,
        gateway: LLMGateway,
        bus: EventBus,
        options: RunOptions,
        shared: ProjectContext,
        redactor: Redactor,
        cancel: CancelToken,
        *,
        sandbox: Sandbox | None = None,
        edit_format: str = "auto",
    ) -> None:
        self.project = project
        self.plan = plan
        self.gateway = gateway
        self.bus = bus
        self.options = options
        self.shared = shared
        self.redactor = redactor
        self.cancel = cancel
        self.sandbox = sandbox
        self.edit_format = edit_format

    def run(self, task: Task) -> TaskOutcome:
        """Execute ``task`` and return its outcome (files written, verify result)."""
        start = time.monotonic()
        messages, shared = self._task_messages(task)
        response, estimate = self._call(task, messages, "task", 1, "ExecutorAgent")
        written: set[str] = set()
        attempt = self._apply(task, messages, response, 1, "ExecutorAgent", written)
        fixes = 0
        if attempt.failure and self.options.auto_retry:
            attempt, fixes = self._fix_loop(task, attempt, written, shared)
        attempts = 1 + fixes
        totals = self.gateway.ledger.for_task(task.id)
        outcome = TaskOutcome(
            task_id=task.id,
            name=task.name,
            status=PASSED if attempt.failure is None else FAILED,
            attempts=attempts,
            duration_s=time.monotonic() - start,
            tokens=totals.total_tokens,
            cached_tokens=totals.cached_tokens,
            cost_usd=totals.cost_usd,
            estimated_cost_usd=estimate,
            files_written=sorted(written),
        )
        if attempt.failure is not None:
            # The summary quotes verify output, which may print a secret read from a file;
            # it goes to STATE.md and every front end.
            summary = self.redactor.redact(attempt.failure.summary)
            outcome.error = f"{attempt.failure.category.value}: {summary}"
            outcome.category = attempt.failure.category.value
            lines = tail_lines(self.redactor.redact(attempt.output), DETAIL_LINES)
            outcome.detail = lines.splitlines() if lines else []
        return outcome

    def _fix_loop(
        self, task: Task, attempt: _Attempt, written: set[str], shared: str
    ) -> tuple[_Attempt, int]:
        """Targeted fixes (``--auto-retry``), each verified; returns the last state and fixes."""
        fixes = 0
        while attempt.failure is not None:
            failure = attempt.failure
            if not fixable_by_files(failure):
                self._fix_event(task, fixes + 1, failure, "gave_up", "no fix can cure this error")
                break
            if fixes >= self.options.max_retries:
                break
            fixes += 1
            files = {name: self._read(name) for name in task.files if self._may_read(task, name)}
            fix = fix_messages(
                task, failure, tail_lines(attempt.output, 60), files, fixes,
                shared=shared, edit_format=self.edit_format,
            )  # fmt: skip
            fix_response, _ = self._call(task, fix, "fix", fixes + 1, "SelfHealingAgent")
            retried = self._apply(task, fix, fix_response, fixes + 1, "SelfHealingAgent", written)
            if retried.failure is None:
                self._fix_event(task, fixes, failure, "fixed", "verify passed after the fix")
            elif retried.output and normalise_output(retried.output) == normalise_output(
                attempt.output
            ):
                self._fix_event(task, fixes, failure, "gave_up", "the same failure came back")
                return retried, fixes
            else:
                self._fix_event(task, fixes, failure, "failed", retried.failure.summary)
            attempt = retried
        return attempt, fixes

    def _task_messages(self, task: Task) -> tuple[Messages, str]:
        """The task prompt, and its shared part (reused by fix prompts)."""
        context = build_task_context(self.project, task, self.plan, self.shared, emit=self.bus.emit)
        sections = context.sections
        if self.options.compress:
            result = compress_sections(
                sections,
                model=self.gateway.model,
                max_tokens=self.options.max_context_tokens,
                threshold=self.options.compression_threshold,
                strategy=self.options.compressor,
            )
            if result.compressed_tokens < result.original_tokens:
                self.bus.emit(compression_event(result, task.id))
            sections = result.sections
        context = TaskContext(task=task, sections=list(sections))
        shared = context.render_shared()
        specific = context.render_specific()
        messages = task_messages(specific, task, shared=shared, edit_format=self.edit_format)
        return messages, shared

    def _call(
        self, task: Task, messages: Messages, purpose: str, attempt: int, agent: str
    ) -> tuple[LLMResponse, float | None]:
        model = self.gateway.model
        prompt_tokens = self._prompt_tokens(messages, model)
        output_tokens = expected_output_tokens(self.project.root, task, self.edit_format)
        estimate = call_cost(model, prompt_tokens, output_tokens)
        # Everything before the task's own message is the run's shared prefix (§13); a
        # correction adds an answer and a question after that prefix, not inside it.
        shared_user = len(messages) > 2 and messages[1][0] == messages[2][0] == "user"
        prefix = 2 if shared_user else 1
        request = LLMRequest(
            messages=messages, purpose=purpose, task_id=task.id, attempt=attempt,
            cache_prefix=prefix,
        )  # fmt: skip
        response = self.gateway.call(
            request, agent=agent, prompt_tokens=prompt_tokens, estimate_usd=estimate
        )
        return response, estimate

    @staticmethod
    def _prompt_tokens(messages: Messages, model: str) -> int:
        """The prompt's size for the estimate and the context-window check: counted
        exactly once the tokenizer has loaded; before that, approximated, unless the
        approximation comes near the window (where it could be short of the truth)."""
        tokens = sum(count_tokens_nowait(content, model) for _, content in messages)
        window = context_window(model)
        if window is not None and tokens > window // 2:
            tokens = sum(count_tokens(content, model) for _, content in messages)
        return tokens

    def _apply(
        self,
        task: Task,
        messages: Messages,
        response: LLMResponse,
        attempt: int,
        agent: str,
        written: set[str],
    ) -> _Attempt:
        """Write the answer's files, then verify; the failure (if any) says why."""
        failure = self._write(task, messages, response, agent, written)
        if failure is not None:
            return _Attempt(failure)
        if not self.options.verify or not task.verify.strip():
            return _Attempt(None)
        return self._verify(task, attempt)

    def _write(
        self, task: Task, messages: Messages, response: LLMResponse, agent: str, written: set[str]
    ) -> Failure | None:
        """Apply the answer; an edit that fails gets one corrective request, then a request
        for the whole file (DESIGN.md §12)."""
        wrote: list[str] = []
        first_blocks: int | None = None
        refused: list[tuple[str, str]] = []
        whole: list[str] = []
        for correction in range(3):
            if response.truncated:
                return _truncated()
            try:
                applied = apply_answer(
                    self.project.root, response.content, task.files, self.bus.emit,
                    task_id=task.id, agent=agent,
                )  # fmt: skip
            except FileBlockError as exc:
                return Failure(FailureCategory.NO_FILES, exc.message, [], curable=True)
            first_blocks = applied.blocks if first_blocks is None else first_blocks
            wrote += applied.report.written
            refused += applied.report.refused
            written.update(applied.report.written)
            if not applied.failed:
                break
            problems = "; ".join(failure.message for failure in applied.failed)
            if correction == 2:
                return Failure(FailureCategory.NO_FILES, problems, [], curable=True)
            paths = applied.failed_paths
            whole = paths if correction == 1 else []
            current = {path: self._read(path) for path in paths if self._may_read(task, path)}
            ask = correction_messages(
                messages, response.content, task, describe_failures(applied.failed, current),
                whole_files=whole,
            )  # fmt: skip
            response, _ = self._call(task, ask, "edit", correction + 1, agent)
        if not first_blocks:
            return Failure(
                FailureCategory.NO_FILES, "the answer contained no file blocks", [], True
            )
        if not wrote:
            listing = "; ".join(f"{path}: {why}" for path, why in refused)
            summary = (
                f"every file in the answer was refused ({listing})"
                if refused
                else "the corrected answer contained no file blocks"
            )
            return Failure(FailureCategory.NO_FILES, summary, [], curable=True)
        return None

    def _verify(self, task: Task, attempt: int) -> _Attempt:
        result = run_verify(
            task.verify,
            self.project.root,
            timeout=self.options.verify_timeout,
            cancel=self.cancel,
            sandbox=self.sandbox,
        )
        if result.cancelled:
            raise Cancelled(self.cancel.reason or "interrupted")
        # From here on (events, STATE.md, the fix prompt, reports) only redacted output exists.
        result = dataclasses.replace(
            result,
            stdout=self.redactor.redact_output(result.stdout),
            stderr=self.redactor.redact_output(result.stderr),
        )
        failure = None if result.success else self._classify(result)
        self.bus.emit(
            VerifyRan(
                task_id=task.id,
                command=task.verify,
                success=result.success,
                exit_code=result.exit_code,
                duration_s=round(result.duration_s, 3),
                stdout=preview(self.redactor.redact(result.stdout)),
                stderr=preview(self.redactor.redact(result.stderr)),
                timed_out=result.timed_out,
                category=failure.category.value if failure else "",
                attempt=attempt,
                duration_ms=round(result.duration_s * 1000, 1),
            )
        )
        return _Attempt(failure, result.combined_output)

    @staticmethod
    def _classify(result: VerifyResult) -> Failure:
        return classify_failure(
            result.stdout, result.stderr, result.exit_code, timed_out=result.timed_out
        )

    def _fix_event(
        self, task: Task, attempt: int, failure: Failure, outcome: str, reason: str
    ) -> None:
        self.bus.emit(
            FixAttempted(
                task_id=task.id,
                attempt=attempt,
                category=failure.category.value,
                outcome=outcome,
                reason=self.redactor.redact(reason),
            )
        )

    def _may_read(self, task: Task, name: str) -> bool:
        """False (and a ``file_refused`` event) for a file no prompt may carry."""
        reason = read_refusal(self.project.root, name, hide=self.shared.hide)
        if reason is not None:
            self.bus.emit(
                FileRefused(task_id=task.id, agent=READER, path=name, reason=f"not read: {reason}")
            )
        return reason is None

    def _read(self, name: str) -> str | None:
        """The current text of one of the task's files, or None when it does not exist."""
        try:
            return (self.project.root / name).read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None


def _truncated() -> Failure:
    return Failure(
        FailureCategory.TRUNCATED,
        "the answer was cut off by the token limit (raise LLM_MAX_TOKENS); no files were written",
        [],
        curable=False,
    )
