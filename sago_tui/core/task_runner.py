"""One task (DESIGN.md §5): context → one LLM call → files → verify → fix loop.

Provider errors (``LLMError``), the budget (``BudgetExceeded``) and
cancellation (``Cancelled``) propagate to the orchestrator; everything else
ends as a :class:`TaskOutcome`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

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
from sago_tui.core.context import ProjectContext, TaskContext, build_task_context
from sago_tui.core.errors import Cancelled
from sago_tui.core.estimate import call_cost, expected_output_tokens
from sago_tui.core.events import FixAttempted, VerifyRan
from sago_tui.core.fileblocks import FileBlockError, parse_file_blocks
from sago_tui.core.files import write_task_files
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import LLMRequest, LLMResponse
from sago_tui.core.outcome import FAILED, PASSED, TaskOutcome
from sago_tui.core.plan import Plan, Task
from sago_tui.core.project import Project
from sago_tui.core.prompts import Messages, fix_messages, task_messages
from sago_tui.core.secrets import Redactor
from sago_tui.core.settings import RunOptions
from sago_tui.core.text import preview, tail_lines
from sago_tui.core.tokens import count_tokens
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
    ) -> None:
        self.project = project
        self.plan = plan
        self.gateway = gateway
        self.bus = bus
        self.options = options
        self.shared = shared
        self.redactor = redactor
        self.cancel = cancel

    def run(self, task: Task) -> TaskOutcome:
        """Execute ``task`` and return its outcome (files written, verify result)."""
        start = time.monotonic()
        messages = self._task_messages(task)
        response, estimate = self._call(task, messages, "task", 1, "ExecutorAgent")
        written: set[str] = set()
        refused: list[str] = []  # every refused write of the task's answers, for STATE.md
        attempt = self._apply(task, response, 1, "ExecutorAgent", written, refused)
        fixes = 0
        if attempt.failure and self.options.auto_retry:
            attempt, fixes = self._fix_loop(task, attempt, written, refused)
        attempts = 1 + fixes
        totals = self.gateway.ledger.for_task(task.id)
        outcome = TaskOutcome(
            task_id=task.id,
            name=task.name,
            status=PASSED if attempt.failure is None else FAILED,
            attempts=attempts,
            duration_s=time.monotonic() - start,
            tokens=totals.total_tokens,
            cost_usd=totals.cost_usd,
            estimated_cost_usd=estimate,
            files_written=sorted(written),
            refused=list(dict.fromkeys(refused)),
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
        self, task: Task, attempt: _Attempt, written: set[str], refused: list[str]
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
            files = {name: self._read(name) for name in task.files}
            fix = fix_messages(task, failure, tail_lines(attempt.output, 60), files, fixes)
            fix_response, _ = self._call(task, fix, "fix", fixes + 1, "SelfHealingAgent")
            retried = self._apply(
                task, fix_response, fixes + 1, "SelfHealingAgent", written, refused
            )
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

    def _task_messages(self, task: Task) -> Messages:
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
        return task_messages(TaskContext(task=task, sections=list(sections)).render(), task)

    def _call(
        self, task: Task, messages: Messages, purpose: str, attempt: int, agent: str
    ) -> tuple[LLMResponse, float | None]:
        model = self.gateway.model
        prompt_tokens = sum(count_tokens(content, model) for _, content in messages)
        output_tokens = expected_output_tokens(self.project.root, task)
        estimate = call_cost(model, prompt_tokens, output_tokens)
        request = LLMRequest(messages=messages, purpose=purpose, task_id=task.id, attempt=attempt)
        response = self.gateway.call(
            request, agent=agent, prompt_tokens=prompt_tokens, estimate_usd=estimate
        )
        return response, estimate

    def _apply(
        self,
        task: Task,
        response: LLMResponse,
        attempt: int,
        agent: str,
        written: set[str],
        refused: list[str],
    ) -> _Attempt:
        """Write the answer's files, then verify; the failure (if any) says why."""
        if response.truncated:
            return _Attempt(
                Failure(
                    FailureCategory.TRUNCATED,
                    "the answer was cut off by the token limit (raise LLM_MAX_TOKENS); "
                    "no files were written",
                    [],
                    curable=False,
                )
            )
        try:
            blocks = parse_file_blocks(response.content)
        except FileBlockError as exc:
            return _Attempt(Failure(FailureCategory.NO_FILES, exc.message, [], curable=True))
        if not blocks:
            return _Attempt(
                Failure(FailureCategory.NO_FILES, "the answer contained no file blocks", [], True)
            )
        report = write_task_files(
            self.project.root, blocks, task.files, self.bus.emit, task_id=task.id, agent=agent
        )
        written.update(report.written)
        refused.extend(f"{path} ({why})" for path, why in report.refused)
        if not report.written:
            listing = "; ".join(f"{path}: {why}" for path, why in report.refused)
            summary = f"every file in the answer was refused ({listing})"
            return _Attempt(Failure(FailureCategory.NO_FILES, summary, [], curable=True))
        if not self.options.verify or not task.verify.strip():
            return _Attempt(None)
        return self._verify(task, attempt)

    def _verify(self, task: Task, attempt: int) -> _Attempt:
        result = run_verify(
            task.verify, self.project.root, timeout=self.options.verify_timeout, cancel=self.cancel
        )
        if result.cancelled:
            raise Cancelled(self.cancel.reason or "interrupted")
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

    def _read(self, name: str) -> str | None:
        try:
            return (self.project.root / name).read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
