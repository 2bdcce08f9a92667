"""Provider prompt caches (DESIGN.md §13): where a breakpoint is needed, and what caching saves.

OpenAI (and OpenAI-compatible servers) cache a repeated prompt prefix on their own
from ``MIN_CACHEABLE_TOKENS``; Anthropic, Gemini/Vertex and Bedrock only cache up to a
``cache_control`` breakpoint, which litellm passes on from a text content block::

    {"role": "user", "content": [{"type": "text", "text": "…",
                                  "cache_control": {"type": "ephemeral"}}]}
"""

from __future__ import annotations

from typing import Any

from sago_tui.core.pricing import price_for

MIN_CACHEABLE_TOKENS = 1024
"""The smallest prefix the providers cache (OpenAI and most Anthropic models)."""

_BREAKPOINT_PROVIDERS = ("anthropic", "bedrock", "vertex_ai", "vertex_ai_beta", "gemini")


def needs_cache_control(model: str) -> bool:
    """True when ``model`` (a litellm model string) caches only at explicit breakpoints."""
    lowered = model.lower()
    provider = lowered.split("/", 1)[0] if "/" in lowered else ""
    return provider in _BREAKPOINT_PROVIDERS or "claude" in lowered


def with_breakpoint(messages: list[dict[str, Any]], prefix: int) -> list[dict[str, Any]]:
    """``messages`` with a cache breakpoint on the last of the first ``prefix`` messages."""
    if not 0 < prefix <= len(messages):
        return messages
    marked = list(messages)
    last = dict(marked[prefix - 1])
    content = last.get("content")
    if isinstance(content, str) and content:
        last["content"] = [
            {"type": "text", "text": content, "cache_control": {"type": "ephemeral"}}
        ]
        marked[prefix - 1] = last
    return marked


def cache_saving(model: str, cacheable_tokens: int) -> float | None:
    """USD saved when ``cacheable_tokens`` are read from the cache instead of sent fresh.

    None when the model's price is unknown; 0 when the table has no cache-read price.
    """
    price = price_for(model)
    if price is None:
        return None
    if price.cache_read_per_token is None:
        return 0.0
    return cacheable_tokens * (price.input_per_token - price.cache_read_per_token)
