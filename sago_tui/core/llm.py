"""The live LLM client: the only module that imports litellm, and only on the first call.

litellm's own retries are off (``num_retries=0``); :class:`LiteLLMClient` retries itself so
that every wait honours ``Retry-After`` and can be interrupted by a :class:`CancelToken`.
Each attempt runs the blocking litellm call (stream iteration included) in a daemon
thread while the caller's thread polls for cancellation and the whole-call deadline; a
cancelled or timed-out attempt is abandoned and ends at its own socket timeout. Stream
deltas travel through a queue, so ``on_delta`` always runs on the caller's thread and
never after :meth:`LiteLLMClient.complete` has returned.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import Cancelled, LLMError
from sago_tui.core.llm_clock import AttemptClock
from sago_tui.core.llm_errors import backoff_delay, classify, final_error
from sago_tui.core.llm_types import DeltaCallback, LLMRequest, LLMResponse, RetryCallback
from sago_tui.core.pricing import cost_of
from sago_tui.core.settings import LLMSettings
from sago_tui.core.tokens import count_tokens

_POLL_S = 0.1  # how often a waiting caller looks at the cancel token
_import_lock = threading.Lock()
log = logging.getLogger(__name__)
_litellm: Any = None


def _load_litellm() -> Any:
    """Import and configure litellm once per process (thread-safe)."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            # Without this litellm fetches its price map from GitHub at import time.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            litellm.suppress_debug_info = True  # else a "Give Feedback" banner hits stdout
            litellm.telemetry = False
            litellm.drop_params = True  # a provider that lacks a param ignores it
            litellm.turn_off_message_logging = True  # prompts stay out of its logs
            litellm.success_callback = []
            litellm.failure_callback = []
            litellm.callbacks = []
            # Its stderr handler would scribble over the TUI; errors reach us as exceptions.
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _litellm = litellm
        return _litellm


@dataclass
class _Outcome:
    """A finished attempt as plain data (no litellm objects leave the worker thread)."""

    content: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    model: str | None


def _usage(obj: Any) -> tuple[int | None, int | None]:
    usage = getattr(obj, "usage", None)
    if usage is None:
        return None, None
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    return (
        prompt if isinstance(prompt, int) else None,
        completion if isinstance(completion, int) else None,
    )


def _plain_outcome(response: Any) -> _Outcome:
    """A non-streamed litellm ``ModelResponse`` as plain data."""
    prompt, completion = _usage(response)
    model = getattr(response, "model", None)
    choices = getattr(response, "choices", None) or []
    if not choices:  # no finish reason: reported as an incomplete answer, and retried
        return _Outcome("", None, prompt, completion, model)
    content = getattr(choices[0].message, "content", None) or ""
    return _Outcome(content, choices[0].finish_reason, prompt, completion, model)


def _stream_outcome(
    response: Any, out: queue.Queue[tuple[str, Any]], stop: threading.Event
) -> _Outcome | None:
    """Drain a litellm stream, posting each text delta; None when abandoned midway."""
    parts: list[str] = []
    finish: str | None = None
    prompt = completion = None
    model = None
    for chunk in response:
        if stop.is_set():  # abandoned by the caller: release the connection
            getattr(response, "close", lambda: None)()
            return None
        model = getattr(chunk, "model", None) or model
        chunk_prompt, chunk_completion = _usage(chunk)
        if chunk_prompt is not None:  # the usage chunk comes last, with no choices
            prompt, completion = chunk_prompt, chunk_completion
        beat = True  # any chunk shows the stream is alive (the idle timeout restarts)
        for choice in getattr(chunk, "choices", None) or []:
            text = getattr(choice.delta, "content", None)
            if text:
                parts.append(text)
                out.put(("delta", text))
                beat = False
            finish = getattr(choice, "finish_reason", None) or finish
        if beat:
            out.put(("beat", ""))
    return _Outcome("".join(parts), finish, prompt, completion, model)


def _run_call(
    kwargs: dict[str, Any], stream: bool, out: queue.Queue[tuple[str, Any]], stop: threading.Event
) -> None:
    """Worker thread body: one litellm call; posts deltas, then ``done`` or ``error``."""
    try:
        response = _load_litellm().completion(**kwargs)
        outcome = _stream_outcome(response, out, stop) if stream else _plain_outcome(response)
        if outcome is not None:
            out.put(("done", outcome))
    except BaseException as exc:  # delivered to the caller's thread, which classifies it
        out.put(("error", exc))


class LiteLLMClient:
    """:class:`~sago_tui.core.llm_types.LLMClient` backed by ``litellm.completion``."""

    def __init__(
        self, settings: LLMSettings, *, backoff_base: float = 1.0, backoff_cap: float = 30.0
    ) -> None:
        self._settings = settings
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap

    @property
    def model(self) -> str:
        """The litellm model string, e.g. ``openai/gpt-4o``."""
        return self._settings.litellm_model

    def complete(
        self,
        request: LLMRequest,
        *,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
        on_retry: RetryCallback | None = None,
    ) -> LLMResponse:
        """Answer ``request``, retrying transient failures; see the module docstring."""
        attempts = max(0, self._settings.retries) + 1
        for attempt in range(1, attempts + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                return self._attempt(request, on_delta, cancel)
            except LLMError as error:
                if not error.retryable or attempt == attempts:
                    raise final_error(error, attempt) from None
                delay = backoff_delay(
                    attempt, self._backoff_base, self._backoff_cap, error.retry_after
                )
                reason = f"{error.message} (attempt {attempt} of {attempts})"
                # DEBUG only: on_retry already shows it (a log line would print it twice).
                log.debug("LLM request failed, retrying in %.1fs: %s", delay, reason)
                if on_retry is not None:
                    on_retry(reason, delay)
                if cancel is not None:
                    if cancel.wait(delay):
                        raise Cancelled(cancel.reason or "interrupted") from None
                else:
                    time.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    def _kwargs(self, request: LLMRequest) -> dict[str, Any]:
        settings = self._settings
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": request.as_messages(),
            "temperature": settings.temperature,
            "max_tokens": request.max_tokens or settings.max_tokens,
            # Streamed: the socket may wait as long as our own first-token/idle clocks.
            "timeout": (
                max(settings.first_token_wait, settings.idle_wait)
                if settings.stream
                else settings.timeout
            ),
            "num_retries": 0,  # our loop retries, with cancellable waits
            "max_retries": 0,  # and neither does the openai SDK underneath
            "stream": settings.stream,
        }
        if settings.api_key:
            kwargs["api_key"] = settings.api_key.get()
        if settings.api_base:
            kwargs["api_base"] = settings.api_base
        if settings.stream:
            kwargs["stream_options"] = {"include_usage": True}
        return kwargs

    def _error(self, exc: BaseException) -> LLMError:
        key = self._settings.api_key.get() if self._settings.api_key else None
        error = classify(exc, model=self.model, secret=key)
        if error.kind == "unreachable":  # "Connection error." alone does not say to what
            where = self._settings.api_base or "the provider's default URL"
            error.message = f"{error.message} (connecting to {where})"
            error.args = (error.message,)
        return error

    def _attempt(
        self, request: LLMRequest, on_delta: DeltaCallback | None, cancel: CancelToken | None
    ) -> LLMResponse:
        settings = self._settings
        # Import (seconds, once) before the clock starts: it is not the provider's latency.
        _load_litellm()
        clock = AttemptClock(settings)
        out: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()
        worker = threading.Thread(
            target=_run_call,
            args=(self._kwargs(request), settings.stream, out, stop),
            name="sago-llm-call",
            daemon=True,
        )
        worker.start()
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled(cancel.reason or "interrupted")
                remaining = clock.remaining()
                if remaining <= 0:
                    raise clock.expired(self.model)
                try:
                    kind, payload = out.get(timeout=min(_POLL_S, remaining))
                except queue.Empty:
                    continue
                if kind in ("delta", "beat"):
                    clock.received(payload)
                    if payload and on_delta is not None:
                        on_delta(payload)
                elif kind == "error":
                    raise self._error(payload)
                else:
                    return self._response(request, payload, clock.elapsed())
        finally:
            stop.set()  # a finished worker ignores it; an abandoned one stops streaming

    def _response(self, request: LLMRequest, outcome: _Outcome, duration: float) -> LLMResponse:
        if not outcome.finish_reason:
            raise LLMError(
                f"LLM provider error (bad_response) from {self.model}: "
                "the answer ended before the model finished (no finish reason)",
                kind="bad_response",
                retryable=True,
            )
        prompt, completion = outcome.prompt_tokens, outcome.completion_tokens
        if prompt is None or completion is None:
            # Some servers send no usage in streams: count locally rather than report zero.
            prompt = count_tokens(request.prompt_text, self.model)
            completion = count_tokens(outcome.content, self.model)
        cost = cost_of(self.model, prompt, completion)
        if cost is None and outcome.model:
            cost = cost_of(outcome.model, prompt, completion)
        return LLMResponse(
            content=outcome.content,
            model=outcome.model or self.model,
            finish_reason=outcome.finish_reason,
            prompt_tokens=prompt,
            completion_tokens=completion,
            duration_s=duration,
            cost_usd=cost,
        )
