"""Every LLM call of a run goes through :class:`LLMGateway`.

The gateway turns a call into events (``llm_request``, streamed ``llm_delta``,
``llm_call`` or ``error``), enforces ``--max-cost`` before a call is sent, and
keeps the cost ledger. Replayed and live clients therefore produce identical
traces.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.context_window import check_fits
from sago_tui.core.errors import BudgetExceeded, DiskFull, LLMError
from sago_tui.core.events import (
    BudgetStopped,
    ErrorOccurred,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    WarningIssued,
)
from sago_tui.core.llm_types import LLMClient, LLMRequest, LLMResponse
from sago_tui.core.secrets import Redactor
from sago_tui.core.text import preview, valid_unicode
from sago_tui.core.tokens import load_in_background

_BUDGET_POLL_S = 0.1  # a call waiting for the budget looks at the cancel token this often


@dataclass
class CallTotals:
    """Token and cost totals of a task (or of the whole run)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, response: LLMResponse) -> None:
        self.calls += 1
        self.prompt_tokens += response.prompt_tokens
        self.completion_tokens += response.completion_tokens
        self.cached_tokens += response.cached_tokens
        if response.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += response.cost_usd


@dataclass
class CostLedger:
    """Thread-safe running totals per task (``None`` key = plan/init calls)."""

    total: CallTotals = field(default_factory=CallTotals)
    by_task: dict[str | None, CallTotals] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, task_id: str | None, response: LLMResponse) -> None:
        """Record one finished call."""
        with self._lock:
            self.total.add(response)
            self.by_task.setdefault(task_id, CallTotals()).add(response)

    def for_task(self, task_id: str | None) -> CallTotals:
        """A copy of one task's totals."""
        with self._lock:
            found = self.by_task.get(task_id, CallTotals())
            return CallTotals(**vars(found))

    @property
    def spent_usd(self) -> float:
        with self._lock:
            return self.total.cost_usd


class LLMGateway:
    """Sends requests through a client, with events, budget and accounting."""

    def __init__(
        self,
        client: LLMClient,
        bus: EventBus,
        *,
        ledger: CostLedger | None = None,
        max_cost: float | None = None,
        redactor: Redactor | None = None,
        cancel: CancelToken | None = None,
        raw_dir: Path | None = None,
    ) -> None:
        self.client = client
        self.raw_dir = raw_dir  # where the text of an answer cut short is kept
        self.bus = bus
        self.ledger = ledger or CostLedger()
        self.max_cost = max_cost
        self.redactor = redactor or Redactor(())
        self.cancel = cancel or CancelToken()
        self._budget = threading.Condition()
        self._reserved = 0.0

    @property
    def model(self) -> str:
        return self.client.model

    def call(
        self,
        request: LLMRequest,
        *,
        agent: str,
        prompt_tokens: int = 0,
        estimate_usd: float | None = None,
    ) -> LLMResponse:
        """Send ``request``; raise ``BudgetExceeded`` before a call that would cross the budget."""
        self.cancel.raise_if_cancelled()
        if prompt_tokens:  # a prompt larger than the model's window is never sent
            who = f" of task {request.task_id}" if request.task_id else ""
            check_fits(f"the {request.purpose} call{who}", prompt_tokens, self.model)
        reserved = self._reserve(request, estimate_usd)
        task_id = request.task_id
        # A project file name that is not UTF-8 puts a lone surrogate into the context;
        # the HTTP request could not be encoded, so every call would fail.
        # This is the one door to the provider: a secret value the context picked up (a
        # spec that quotes a token, verify output in a fix prompt) is replaced here.
        messages = tuple(
            (role, self.redactor.redact(valid_unicode(content)))
            for role, content in request.messages
        )
        if messages != request.messages:
            request = dataclasses.replace(request, messages=messages)

        def on_delta(text: str) -> None:
            text = self.redactor.redact(valid_unicode(text))
            self.bus.emit(LLMDelta(task_id=task_id, agent=agent, text=text))

        def on_retry(reason: str, delay: float) -> None:
            message = f"LLM request failed; retrying in {delay:.1f}s: {reason}"
            self.bus.emit(WarningIssued(task_id=task_id, agent=agent, message=message))
            # A new request: viewers drop the text streamed by the failed attempt.
            self.bus.emit(requested())

        def requested() -> LLMRequested:
            return LLMRequested(
                task_id=task_id,
                agent=agent,
                model=self.model,
                purpose=request.purpose,
                prompt_tokens=prompt_tokens,
            )

        self.bus.emit(requested())
        try:
            response = self.client.complete(
                request, on_delta=on_delta, cancel=self.cancel, on_retry=on_retry
            )
        except LLMError as exc:
            self._release(reserved)
            if exc.partial:
                self._keep_partial(request, agent, exc.partial)
            self.bus.emit(
                ErrorOccurred(
                    task_id=task_id,
                    agent=agent,
                    message=self.redactor.redact(exc.message),
                    error_type=f"llm_{exc.kind}",
                )
            )
            raise
        except BaseException:
            self._release(reserved)
            raise
        # Exact pre-call estimates from now on, also where no answer kept a request
        # waiting long enough for the client to start the load (a replay, a fast model).
        load_in_background(self.model)
        # JSON may carry "\ud800" (not writable); a secret echoed back is not kept either.
        content = self.redactor.redact(valid_unicode(response.content))
        if content != response.content:
            response = dataclasses.replace(response, content=content)
        self.ledger.add(task_id, response)
        # Released only once the real cost is in the ledger: a call waiting for room
        # never sees the money neither spent nor held.
        self._release(reserved)
        self.bus.emit(
            LLMCalled(
                task_id=task_id,
                agent=agent,
                model=response.model or self.model,
                purpose=request.purpose,
                attempt=request.attempt,
                prompt_tokens=response.prompt_tokens,
                completion_tokens=response.completion_tokens,
                total_tokens=response.total_tokens,
                cached_tokens=response.cached_tokens,
                cost_usd=response.cost_usd,
                duration_s=round(response.duration_s, 3),
                finish_reason=response.finish_reason,
                prompt_preview=preview(request.prompt_text),
                response_preview=preview(response.content),
                duration_ms=round(response.duration_s * 1000, 1),
            )
        )
        return response

    def _keep_partial(self, request: LLMRequest, agent: str, text: str) -> None:
        """Save the text of an answer the total cap cut off, and say where."""
        if self.raw_dir is None:
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.raw_dir / f"cut-{request.task_id or request.purpose}-{stamp}.md"
        try:
            atomic_write_text(path, self.redactor.redact(text))
        except (OSError, DiskFull):
            return  # the error itself is reported; the partial text is a bonus
        self.bus.emit(
            WarningIssued(
                task_id=request.task_id,
                agent=agent,
                message=f"the partial answer ({len(text):,} characters) is kept in {path}",
            )
        )

    def _reserve(self, request: LLMRequest, estimate_usd: float | None) -> float:
        """Hold ``estimate_usd`` of the budget for this call.

        Calls in flight (parallel tasks) hold their estimates too. When only those
        holds stand in the way, wait for them to settle (their real cost is usually
        lower) and go ahead if the settled spend plus this call still fits.
        """
        if self.max_cost is None or estimate_usd is None:
            return 0.0
        with self._budget:
            while True:
                spent = self.ledger.spent_usd
                if spent + self._reserved + estimate_usd <= self.max_cost:
                    self._reserved += estimate_usd
                    return estimate_usd
                if self._reserved <= 0 or spent + estimate_usd > self.max_cost:
                    break
                self._budget.wait(timeout=_BUDGET_POLL_S)  # woken by a settling call
                self.cancel.raise_if_cancelled()
            held = max(self._reserved, 0.0)
        self.bus.emit(
            BudgetStopped(
                task_id=request.task_id,
                spent_usd=round(spent, 6),
                next_estimate_usd=round(estimate_usd, 6),
                max_cost_usd=self.max_cost,
                purpose=request.purpose,
            )
        )
        target = f"{request.purpose}" + (f" for task {request.task_id}" if request.task_id else "")
        raise BudgetExceeded(
            f"budget reached: spent ${spent:.4f} of ${self.max_cost:.2f}"
            + (f", ${held:.4f} held by calls in flight" if held else "")
            + f"; the next call ({target}) is estimated at ${estimate_usd:.4f}"
        )

    def _release(self, amount: float) -> None:
        if amount:
            with self._budget:
                self._reserved -= amount
                self._budget.notify_all()
