"""Classifying provider failures and timing retries (no network, no litellm)."""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

import pytest

from sago_tui.core.llm_errors import (
    RETRY_AFTER_CAP,
    backoff_delay,
    classify,
    final_error,
    parse_retry_after,
    redact,
)

KEY = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


class FakeResponse:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class APIStatusError(Exception):
    """Shaped like the openai/litellm status errors: status_code, body, response."""

    def __init__(
        self, message: str, status: int, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status
        self.body = body
        self.response = FakeResponse(headers or {})


class APITimeoutError(Exception):
    pass


class MidStreamFallbackError(Exception):
    def __init__(self, original: BaseException) -> None:
        super().__init__("litellm.MidStreamFallbackError: wrapped")
        self.status_code = 503
        self.original_exception = original


def kind_of(exc: BaseException) -> tuple[str, bool]:
    error = classify(exc, model="openai/gpt-4o", secret=KEY)
    return error.kind, error.retryable


def test_retry_after_seconds_date_cap_and_garbage() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("99999") == RETRY_AFTER_CAP
    now = 1_800_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_is_jittered_capped_and_yields_to_retry_after() -> None:
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (10, 30.0)]:
        delays = {backoff_delay(attempt, 1.0, 30.0, None) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1
    assert backoff_delay(5, 1.0, 30.0, 3.0) == 3.0
    assert backoff_delay(1, 1.0, 30.0, 500.0) == RETRY_AFTER_CAP


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (APIStatusError("bad key", 401), ("auth", False)),
        (APIStatusError("forbidden", 403), ("auth", False)),
        (APIStatusError("slow down", 429), ("rate_limit", True)),
        (
            APIStatusError("quota", 429, {"code": "insufficient_quota", "type": "x"}),
            ("quota", False),
        ),
        (APIStatusError("You exceeded your current quota, check billing", 429), ("quota", False)),
        (APIStatusError("no such model", 404), ("bad_request", False)),
        (APIStatusError("bad param", 400), ("bad_request", False)),
        (APIStatusError("boom", 500), ("server", True)),
        (APIStatusError("overloaded", 503), ("server", True)),
        (APIStatusError("Connection error.", 500), ("unreachable", True)),
        (APIStatusError("error - Expecting value: line 1 column 1", 500), ("bad_response", True)),
        (APITimeoutError("Request timed out."), ("timeout", True)),
        (ConnectionResetError("reset by peer"), ("unreachable", True)),
        (MidStreamFallbackError(APIStatusError("slow down", 429)), ("rate_limit", True)),
        (ValueError("a bug"), ("server", False)),
    ],
)
def test_classification(exc: BaseException, expected: tuple[str, bool]) -> None:
    assert kind_of(exc) == expected


def test_message_is_one_clean_line_without_the_key() -> None:
    exc = APIStatusError(
        f"litellm.AuthenticationError: AuthenticationError: OpenAIException - Bad key {KEY}\n"
        "more detail",
        401,
    )
    error = classify(exc, model="openai/gpt-4o", secret=KEY)
    assert error.message == (
        "LLM provider error (auth) from openai/gpt-4o: 401 Bad key [redacted] more detail"
    )


def test_body_message_and_retry_after_header_are_used() -> None:
    exc = APIStatusError(
        "litellm.RateLimitError: noise",
        429,
        {"message": "Rate limit reached"},
        {"retry-after": "4"},
    )
    error = classify(exc, model="m", secret=None)
    assert error.message == "LLM provider error (rate_limit) from m: 429 Rate limit reached"
    assert error.retry_after == 4.0
    ms = APIStatusError("x", 429, headers={"retry-after-ms": "250", "retry-after": "9"})
    assert classify(ms, model="m", secret=None).retry_after == 0.25


def test_redact_hides_the_key_and_key_shaped_tokens() -> None:
    assert redact(f"key={KEY}", KEY) == "key=[redacted]"
    assert redact("token sk-proj-ABCDEFGHIJKLMNOP1234 here", None) == "token [redacted] here"
    google = "AIza" + "x" * 35
    assert redact(f"key {google}.", None) == "key [redacted]."
    assert redact("model my-api-gateway-model-v1", None) == "model my-api-gateway-model-v1"


def test_final_error_counts_attempts_and_is_not_retryable() -> None:
    error = classify(APIStatusError("boom", 500), model="m", secret=None)
    final = final_error(error, 3)
    assert final.message == "LLM provider error (server) from m after 3 attempts: 500 boom"
    assert not final.retryable and final.kind == "server"
    assert final_error(error, 1).message == error.message
