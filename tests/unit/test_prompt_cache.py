"""Where a provider needs a cache breakpoint, and what a prompt cache saves."""

from __future__ import annotations

import pytest

from sago_tui.core.pricing import price_for
from sago_tui.core.prompt_cache import cache_saving, needs_cache_control, with_breakpoint


@pytest.mark.parametrize(
    ("model", "needed"),
    [
        ("anthropic/claude-3-5-sonnet-20241022", True),
        ("bedrock/anthropic.claude-3-haiku-20240307-v1:0", True),
        ("vertex_ai/gemini-1.5-pro", True),
        ("gemini/gemini-1.5-flash", True),
        ("openrouter/anthropic/claude-3.5-sonnet", True),
        ("claude-3-opus-20240229", True),
        ("openai/gpt-4o", False),
        ("gpt-4o-mini", False),
        ("ollama/llama3", False),
    ],
)
def test_only_providers_that_need_it_get_a_breakpoint(model: str, needed: bool) -> None:
    assert needs_cache_control(model) is needed


def test_the_breakpoint_marks_the_last_shared_message_only() -> None:
    messages = [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "spec"},
        {"role": "user", "content": "task"},
    ]
    marked = with_breakpoint(messages, 2)
    assert marked[1]["content"][0]["cache_control"] == {"type": "ephemeral"}
    assert marked[0] == messages[0] and marked[2] == messages[2]
    assert messages[1]["content"] == "spec"  # the caller's list is not changed
    assert with_breakpoint(messages, 0) == messages
    assert with_breakpoint(messages, 9) == messages


def test_the_saving_uses_the_cache_read_price() -> None:
    price = price_for("gpt-4o")
    assert price is not None and price.cache_read_per_token is not None
    expected = 10_000 * (price.input_per_token - price.cache_read_per_token)
    assert cache_saving("gpt-4o", 10_000) == pytest.approx(expected)
    assert cache_saving("no-such/model", 10_000) is None
