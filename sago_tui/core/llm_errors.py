"""Turning provider exceptions into one-line :class:`LLMError` values, and retry timing.

This module never imports litellm: it inspects exceptions by duck typing (HTTP status,
JSON error body, response headers, class names along the MRO), which also covers the
openai SDK and httpx exceptions litellm lets through.
"""

from __future__ import annotations

import random
import re
import time
from email.utils import parsedate_to_datetime
from typing import Any

from sago_tui.core.errors import LLMError
from sago_tui.core.text import one_line

RETRY_AFTER_CAP = 120.0
"""Longest server-requested wait we honour (seconds)."""

# Secret-looking tokens redacted even when they are not our key (defence in depth).
# (OpenAI/Anthropic "sk-", Groq "gsk_", Stripe-style "pk_"/"rk_", Google "AIza…").
_KEY_PATTERN = re.compile(r"\b(?:g?sk|pk|rk)[-_][A-Za-z0-9_\-]{12,}|\bAIza[0-9A-Za-z_\-]{30,}")
# litellm's message decorations: "litellm.RateLimitError: RateLimitError: OpenAIException - ".
_PREFIX = re.compile(r"^\s*(?:litellm\.)?\w*(?:Error|Exception|Timeout)\s*[:\-]\s*")
# Account-level exhaustion: waiting does not help (unlike per-minute "quota" rate limits).
_QUOTA_HINTS = ("insufficient_quota", "exceeded your current quota", "billing", "credit balance")
_TAIL_MARKERS = (" Original exception:", " Received response -", " LiteLLM Retried:")
_TIMEOUT_NAMES = frozenset({"Timeout", "APITimeoutError", "TimeoutException", "ReadTimeout"})
_CONNECTION_NAMES = frozenset(
    {"APIConnectionError", "TransportError", "NetworkError", "RemoteProtocolError",
     "ConnectError", "ReadError", "ConnectionError"}
)  # fmt: skip


def redact(text: str, secret: str | None) -> str:
    """``text`` without the API key ``secret`` or anything shaped like a key."""
    if secret:
        text = text.replace(secret, "[redacted]")
    return _KEY_PATTERN.sub("[redacted]", text)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP-date), capped at 120."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None) -> float:
    """Wait before retry number ``attempt`` (1-based): Retry-After wins, else jittered 2^n."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), RETRY_AFTER_CAP)
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    # "Equal jitter": at least half the exponential step, so parallel tasks spread out.
    return float(ceiling / 2 + random.uniform(0.0, ceiling / 2))


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _header(exc: BaseException, name: str) -> str | None:
    for source in (getattr(exc, "response", None), exc):
        headers = getattr(source, "headers", None)
        if not headers:  # litellm keeps a copy on the exception itself
            headers = getattr(source, "litellm_response_headers", None)
        if headers is None:
            continue
        try:
            value = headers.get(name)
        except (AttributeError, TypeError):
            continue
        if value is not None:
            return str(value)
    return None


def _retry_after(exc: BaseException) -> float | None:
    millis = _header(exc, "retry-after-ms")
    if millis is not None:
        try:
            return min(max(float(millis) / 1000.0, 0.0), RETRY_AFTER_CAP)
        except ValueError:
            pass
    return parse_retry_after(_header(exc, "retry-after"))


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def _body(exc: BaseException) -> dict[str, Any]:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error")
        return inner if isinstance(inner, dict) else body
    return {}


def _detail(exc: BaseException) -> str:
    """The provider's own words, without litellm's class-name decorations."""
    message = _body(exc).get("message")
    text = message if isinstance(message, str) and message.strip() else str(exc)
    for marker in _TAIL_MARKERS:
        text = text.split(marker, 1)[0]
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return text.strip() or type(exc).__name__


# The openai SDK (under litellm) refuses to send a request without a key and litellm
# reports that as a "500": it is a configuration problem, never worth a retry.
_MISSING_KEY_HINTS = (
    "missing credentials",
    "api_key client option must be set",
    "no api key",
    "api key not found",
    "api_key must be set",
)
_KEY_HINT = (
    "; set LLM_API_KEY (or the provider's own variable, e.g. OPENAI_API_KEY) "
    "in the environment or the project's .env"
)


def _kind(exc: BaseException, status: int | None, detail: str) -> tuple[str, bool]:
    """(kind, retryable) for a provider exception."""
    names = _names(exc)
    body = _body(exc)
    lowered = detail.lower()
    code = f"{body.get('code') or ''} {body.get('type') or ''}".lower()
    if any(hint in code or hint in lowered for hint in _QUOTA_HINTS):
        return "quota", False
    if status in (401, 403) or names & {"AuthenticationError", "PermissionDeniedError"}:
        return "auth", False
    if any(hint in lowered for hint in _MISSING_KEY_HINTS):
        return "auth", False  # the client refused before sending: no key configured
    if status == 402:
        return "quota", False
    if status == 429:
        return "rate_limit", True
    if names & _TIMEOUT_NAMES or status == 408:
        return "timeout", True
    if "expecting value" in lowered or "finish_reason" in lowered or "JSONDecodeError" in names:
        return "bad_response", True  # garbage body or a stream cut short
    if names & _CONNECTION_NAMES or "connection error" in lowered or isinstance(exc, OSError):
        return "unreachable", True
    if status in (400, 404, 409, 413, 422):
        return "bad_request", False
    if status is not None and status >= 500:
        return "server", True
    return "server", False


def classify(exc: BaseException, *, model: str, secret: str | None) -> LLMError:
    """A one-line, key-free :class:`LLMError` describing ``exc`` (retryable when transient)."""
    original = getattr(exc, "original_exception", None)
    if isinstance(original, BaseException) and "MidStreamFallbackError" in _names(exc):
        exc = original  # litellm's stream wrapper: the provider's exception is inside
    status = _status(exc)
    detail = _detail(exc)
    kind, retryable = _kind(exc, status, detail)
    # litellm reports connection failures and garbage bodies as "500": not a real status.
    real_status = status and kind not in ("unreachable", "timeout", "bad_response")
    shown_status = f"{status} " if real_status else ""
    message = f"LLM provider error ({kind}) from {model}: {shown_status}{detail}"
    if "llm provider not provided" in detail.lower():  # litellm's multi-line lecture
        kind, retryable = "bad_request", False
        message = (
            f"LLM provider error (bad_request) from {model}: no provider is known for this "
            "model; write it as provider/model (e.g. openai/gpt-4o), set LLM_PROVIDER "
            "([llm] provider), or set LLM_API_BASE for an OpenAI-compatible server"
        )
    if kind == "auth" and any(hint in detail.lower() for hint in _MISSING_KEY_HINTS):
        message = f"LLM provider error (auth) from {model}: no API key configured{_KEY_HINT}"
    return LLMError(
        one_line(redact(message, secret), 300),
        kind=kind,
        retryable=retryable,
        retry_after=_retry_after(exc) if retryable else None,
    )


def final_error(error: LLMError, attempts: int) -> LLMError:
    """``error`` as the last word: not retryable, saying how many attempts were made."""
    message = error.message
    if attempts > 1:
        message = message.replace(": ", f" after {attempts} attempts: ", 1)
    return LLMError(
        message,
        kind=error.kind,
        retryable=False,
        retry_after=error.retry_after,
        partial=error.partial,
    )
