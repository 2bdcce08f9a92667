"""Choosing the LLM client a run uses: live litellm, a replay, or a recording of a live run."""

from __future__ import annotations

from sago_tui.core.llm_types import LLMClient
from sago_tui.core.secrets import Redactor
from sago_tui.core.settings import LLMSettings


def make_client(settings: LLMSettings, *, redactor: Redactor | None = None) -> LLMClient:
    """``--replay FILE`` answers from a recording; ``--record FILE`` records a live run.

    ``redactor`` (default: the environment's secrets and the API key) keeps secrets
    out of a recording.
    """
    if settings.replay is not None:
        from sago_tui.core.replay import ReplayClient

        return ReplayClient(settings.replay)
    from sago_tui.core.llm import LiteLLMClient

    client: LLMClient = LiteLLMClient(settings)
    if settings.record is not None:
        from sago_tui.core.replay import RecordingClient

        if redactor is None:
            key = settings.api_key.get() if settings.api_key else ""
            redactor = Redactor.from_environment(extra=[key] if key else [])
        client = RecordingClient(client, settings.record, redactor=redactor)
    return client
