"""The LLM client contract, free of litellm so the engine can import it cheaply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sago_tui.core.cancel import CancelToken


@dataclass(frozen=True)
class LLMRequest:
    """One chat-completion request.

    ``purpose`` is ``plan``, ``task``, ``fix`` or ``init``; with ``task_id`` and
    ``attempt`` it identifies the call in a recording.
    """

    messages: tuple[tuple[str, str], ...]  # (role, content) pairs
    purpose: str
    task_id: str | None = None
    attempt: int = 1
    max_tokens: int | None = None
    cache_prefix: int = 0
    """How many leading messages every task of the run shares (DESIGN.md §13): where a
    provider needs it, a cache breakpoint marks the last of them."""

    def as_messages(self) -> list[dict[str, str]]:
        """The messages in the OpenAI wire shape."""
        return [{"role": role, "content": content} for role, content in self.messages]

    @property
    def prompt_text(self) -> str:
        """All message contents joined, for previews and token counts."""
        return "\n\n".join(content for _, content in self.messages)


@dataclass(frozen=True)
class LLMResponse:
    """A finished answer with real usage; ``cost_usd`` is None when the price is unknown."""

    content: str
    model: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    duration_s: float
    cost_usd: float | None = None
    cached_tokens: int = 0
    """Prompt tokens served from the provider's prompt cache (part of ``prompt_tokens``)."""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def truncated(self) -> bool:
        """True when the answer was cut off by the token limit."""
        return self.finish_reason == "length"


DeltaCallback = Callable[[str], None]
RetryCallback = Callable[[str, float], None]
"""Told ``(reason, delay_seconds)`` before a failed request is retried; text streamed by
the failed attempt should be discarded."""


class LLMClient(Protocol):
    """Anything that answers :class:`LLMRequest`: litellm, a replay, a recorder."""

    @property
    def model(self) -> str: ...

    def complete(
        self,
        request: LLMRequest,
        *,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
        on_retry: RetryCallback | None = None,
    ) -> LLMResponse:
        """Answer ``request``; raise ``LLMError`` after retries, ``Cancelled`` if cancelled."""
        ...
