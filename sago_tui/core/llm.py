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

import contextlib
import gc
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import Cancelled, LLMError
from sago_tui.core.litellm_setup import configure
from sago_tui.core.llm_clock import AttemptClock
from sago_tui.core.llm_errors import backoff_delay, classify, final_error
from sago_tui.core.llm_types import DeltaCallback, LLMRequest, LLMResponse, RetryCallback
from sago_tui.core.pricing import cost_of
from sago_tui.core.prompt_cache import needs_cache_control, with_breakpoint
from sago_tui.core.settings import LLMSettings
from sago_tui.core.tokens import count_tokens, load_in_background

_POLL_S = 0.1  # how often a waiting caller looks at the cancel token
_import_lock = threading.Lock()
_warm_lock = threading.Lock()
_warmed: set[tuple[str, str | None, bool]] = set()
_loaded = threading.Event()
log = logging.getLogger(__name__)
_litellm: Any = None


def _load_litellm() -> Any:
    """Import and configure litellm once per process (thread-safe)."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            # Without this litellm fetches its price map from GitHub at import time.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            with gc_paused():
                import litellm

                configure(litellm)
            # Its thousands of modules and models live as long as the process: kept out
            # of every later collection, which would otherwise walk them all each time.
            gc.freeze()
            _litellm = litellm
            _loaded.set()
        return _litellm


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: importing litellm allocates objects that
    all live on, and the collections their growing number triggers cost about a third
    of the import's CPU time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def litellm_loaded() -> bool:
    """True once litellm is imported: until then a first call waits on the import
    (front ends may say "connecting to the model…")."""
    return _loaded.is_set()


def preload(settings: LLMSettings | None = None) -> None:
    """Import litellm (and warm the client for ``settings``) in a background thread.

    Called as soon as a command knows it will call the model, so the seconds of the
    import overlap plan loading, cache checks and the user's review. Idempotent.
    """
    key = None if settings is None else _warm_key(settings)
    if (key is None and _loaded.is_set()) or key in _warmed:
        return

    def body() -> None:
        try:
            if settings is None:
                _load_litellm()
            else:
                warm_up(settings)
        except Exception:  # the real call reports any problem, with its proper error
            log.debug("preloading litellm failed", exc_info=True)

    threading.Thread(target=body, name="sago-litellm-preload", daemon=True).start()


def _warm_key(settings: LLMSettings) -> tuple[str, str | None, bool]:
    return settings.litellm_model, settings.api_base, settings.stream


def warm_up(settings: LLMSettings) -> None:
    """Pay litellm's first-call set-up once, before the first wave, not in every worker.

    litellm imports provider modules and builds its request pipeline lazily on the
    first ``completion``; 20 parallel workers would all pay that at once. A mocked call
    (``mock_response``: no network, no cost) takes the same path once; workers that
    come meanwhile wait on the lock instead of competing for it.
    """
    key = _warm_key(settings)
    if key in _warmed:
        return
    litellm = _load_litellm()
    with _warm_lock:
        if key in _warmed:
            return
        kwargs: dict[str, Any] = {"model": settings.litellm_model, "stream": settings.stream}
        if settings.api_base:
            kwargs["api_base"] = settings.api_base
        if settings.stream:
            kwargs["stream_options"] = {"include_usage": True}
        try:
            response = litellm.completion(
                messages=[{"role": "user", "content": "warm-up"}], mock_response="ok",
                api_key="sk-warm-up-not-sent", num_retries=0, **kwargs,
            )  # fmt: skip
            for _ in response if settings.stream else ():
                pass
        except Exception:  # warming is an optimisation: the real call reports real errors
            log.debug("litellm warm-up failed", exc_info=True)
        _warmed.add(key)


@dataclass
class _Outcome:
    """A finished attempt as plain data (no litellm objects leave the worker thread)."""

    content: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    model: str | None
    cached_tokens: int = 0


def _usage(obj: Any) -> tuple[int | None, int | None, int]:
    """``(prompt, completion, cached prompt tokens)`` of a response or usage chunk."""
    usage = getattr(obj, "usage", None)
    if usage is None:
        return None, None, 0
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    # OpenAI reports prompt_tokens_details.cached_tokens; litellm maps Anthropic's
    # cache_read_input_tokens there too, and keeps it as its own attribute as well.
    details = getattr(usage, "prompt_tokens_details", None)
    found = (getattr(details, "cached_tokens", None), getattr(usage, "cache_read_input_tokens", 0))
    cached = max((n for n in found if isinstance(n, int)), default=0)
    return (
        prompt if isinstance(prompt, int) else None,
        completion if isinstance(completion, int) else None,
        cached,
    )


def _plain_outcome(response: Any) -> _Outcome:
    """A non-streamed litellm ``ModelResponse`` as plain data."""
    prompt, completion, cached = _usage(response)
    model = getattr(response, "model", None)
    choices = getattr(response, "choices", None) or []
    if not choices:  # no finish reason: reported as an incomplete answer, and retried
        return _Outcome("", None, prompt, completion, model, cached)
    content = getattr(choices[0].message, "content", None) or ""
    return _Outcome(content, choices[0].finish_reason, prompt, completion, model, cached)


def _stream_outcome(
    response: Any, out: queue.Queue[tuple[str, Any]], stop: threading.Event
) -> _Outcome | None:
    """Drain a litellm stream, posting each text delta; None when abandoned midway."""
    parts: list[str] = []
    finish: str | None = None
    prompt = completion = None
    cached = 0
    model = None
    for chunk in response:
        if stop.is_set():  # abandoned by the caller: release the connection
            getattr(response, "close", lambda: None)()
            return None
        model = getattr(chunk, "model", None) or model
        chunk_prompt, chunk_completion, chunk_cached = _usage(chunk)
        if chunk_prompt is not None:  # the usage chunk comes last, with no choices
            prompt, completion, cached = chunk_prompt, chunk_completion, chunk_cached
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
    return _Outcome("".join(parts), finish, prompt, completion, model, cached)


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
            "messages": self._messages(request),
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

    def _messages(self, request: LLMRequest) -> list[dict[str, Any]]:
        """The wire messages; a cache breakpoint ends the shared prefix where one is needed."""
        messages: list[dict[str, Any]] = list(request.as_messages())
        if request.cache_prefix and needs_cache_control(self.model):
            return with_breakpoint(messages, request.cache_prefix)
        return messages

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
        # Import and warm up (seconds, once) before the clock starts: not the provider's latency.
        warm_up(settings)
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
                    # The request is out and the model is thinking: a moment when loading
                    # the tokenizer (for exact estimates of later calls) delays nothing.
                    load_in_background(self.model)
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
        cached = outcome.cached_tokens
        if not prompt or completion is None:
            # Some servers send no usage in streams (litellm's stand-in counts are zeros
            # with its counter off): count locally rather than report zero.
            prompt = count_tokens(request.prompt_text, self.model)
            completion = count_tokens(outcome.content, self.model)
            cached = 0
        cached = min(cached, prompt)
        cost = cost_of(self.model, prompt, completion, cached)
        if cost is None and outcome.model:
            cost = cost_of(outcome.model, prompt, completion, cached)
        return LLMResponse(
            content=outcome.content,
            model=outcome.model or self.model,
            finish_reason=outcome.finish_reason,
            prompt_tokens=prompt,
            completion_tokens=completion,
            duration_s=duration,
            cost_usd=cost,
            cached_tokens=cached,
        )
