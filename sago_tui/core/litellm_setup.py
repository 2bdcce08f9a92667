"""How sago-tui sets up litellm once it is imported: quiet, private and lean.

Only :mod:`sago_tui.core.llm` calls :func:`configure`, right after ``import litellm``;
this module never imports litellm itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")


def configure(litellm: Any) -> None:
    """Settings every call relies on, and no work litellm would do for nothing."""
    litellm.suppress_debug_info = True  # else a "Give Feedback" banner hits stdout
    litellm.telemetry = False
    litellm.drop_params = True  # a provider that lacks a param ignores it
    litellm.turn_off_message_logging = True  # prompts stay out of its logs
    # We count tokens ourselves (core/tokens.py) and take usage from the provider;
    # litellm's own counting loads two tiktoken encodings on the first call
    # (seconds on a busy machine) and tokenizes every prompt and answer again.
    litellm.disable_token_counter = True
    litellm.success_callback = []
    litellm.failure_callback = []
    litellm.callbacks = []
    # With no callbacks its per-stream success logging only costs: a thread and a
    # fresh asyncio loop per call, competing with the run for the CPU.
    litellm.disable_streaming_logging = True
    # Its stderr handler would scribble over the TUI; errors reach us as exceptions.
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    _skip_file_id_mapping_without_files(litellm)


def _skip_file_id_mapping_without_files(litellm: Any) -> None:
    """Don't let the first ``completion`` import litellm's proxy server types.

    ``completion`` passes every request's messages to
    ``update_messages_with_model_file_ids``, which imports the proxy's model types
    (~0.1 s of CPU alone, more beside a run's other threads) before it looks for
    ``{"type": "file"}`` parts of user messages, the only thing it ever changes.
    sago-tui sends text, so the wrapper returns the messages untouched unless such a
    part is there, in which case the original runs. Nothing is patched when litellm's
    internals differ from what this expects.
    """
    main: Any = getattr(litellm, "main", None)
    original = getattr(main, "update_messages_with_model_file_ids", None)
    if original is None:
        log.debug("litellm.main.update_messages_with_model_file_ids not found")
    else:
        main.update_messages_with_model_file_ids = file_parts_only(original)


def has_file_part(messages: Any) -> bool:
    """True when a user message's content list holds a ``{"type": "file"}`` part."""
    for message in messages or ():
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(part, dict) and part.get("type") == "file" for part in content
        ):
            return True
    return False


def file_parts_only(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` (litellm's file-id mapper), called only for messages with file parts."""

    def wrapper(messages: Any, *args: Any, **kwargs: Any) -> Any:
        if has_file_part(messages):
            return original(messages, *args, **kwargs)
        return messages

    return wrapper
