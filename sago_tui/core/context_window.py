"""The model's context window: a prompt that cannot fit is refused before it is sent.

The window comes from litellm's bundled price table (``max_input_tokens``, read as
data). A 10 MB ``<action>`` would otherwise become a million-token request that the
provider rejects after the upload, or bills. Both the dry run and the run check.
"""

from __future__ import annotations

from sago_tui.core.errors import SagoError
from sago_tui.core.pricing import price_for


class ContextTooLarge(SagoError):
    """A prompt is larger than the model's context window (exit 2: shorten the input)."""


def context_window(model: str) -> int | None:
    """Input tokens ``model`` accepts, or None when the price table does not say."""
    price = price_for(model)
    return price.max_input_tokens if price is not None else None


def oversize_message(what: str, tokens: int, window: int, model: str) -> str:
    """``the prompt of task 1.2 is 1,250,000 tokens; gpt-4o accepts 128,000 …``."""
    return (
        f"the prompt of {what} is {tokens:,} tokens; {model} accepts {window:,}: nothing "
        "was sent (shorten the task's action or files, or run with --compress)"
    )


def check_fits(what: str, tokens: int, model: str) -> None:
    """Raise :class:`ContextTooLarge` when ``tokens`` exceed ``model``'s window."""
    window = context_window(model)
    if window is not None and tokens > window:
        raise ContextTooLarge(oversize_message(what, tokens, window, model))
