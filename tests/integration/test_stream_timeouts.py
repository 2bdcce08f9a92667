"""Streaming timeouts through litellm and the loopback server: a slow but steady answer is
never cut; no first token, a stalled stream and the optional total cap each say which."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sago_tui.core.bus import EventBus
from sago_tui.core.errors import LLMError
from sago_tui.core.events import Event, WarningIssued
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm import LiteLLMClient
from sago_tui.core.llm_types import LLMRequest
from tests.llm_server import FakeLLMServer, Reply, settings_for

STEADY = "".join(f"line {n:02d} of a long answer\n" for n in range(30))  # 30 chunks


def _client(server: FakeLLMServer, **overrides: Any) -> LiteLLMClient:
    return LiteLLMClient(settings_for(server, **overrides), backoff_base=0.01, backoff_cap=0.02)


def _request() -> LLMRequest:
    return LLMRequest(messages=(("user", "write"),), purpose="task", task_id="1.1")


def test_a_slow_steady_stream_outlives_llm_timeout(llm_server: FakeLLMServer) -> None:
    # 30 chunks 0.1 s apart take ~3 s, three times LLM_TIMEOUT; no gap comes near it.
    llm_server.enqueue(Reply(content=STEADY, chunk_chars=len(STEADY) // 30, chunk_delay=0.1))
    client = _client(llm_server, timeout=1.0, first_token_timeout=30.0, retries=0)
    response = client.complete(_request())
    assert response.content == STEADY
    assert response.duration_s > 1.0
    assert llm_server.request_count == 1


def test_no_first_token_is_its_own_timeout(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content="late", delay=3.0))
    client = _client(llm_server, timeout=30.0, first_token_timeout=0.5, retries=0)
    with pytest.raises(LLMError) as raised:
        client.complete(_request())
    assert raised.value.kind == "timeout"
    assert "no first token within 0.5 s (LLM_FIRST_TOKEN_TIMEOUT)" in raised.value.message


def test_a_stalled_stream_is_abandoned_and_retried(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(
        Reply(content="abcdefgh" * 4, chunk_chars=8, chunk_delay=3.0),  # stalls after a chunk
        Reply(content="the retry"),
    )
    client = _client(llm_server, timeout=30.0, idle_timeout=0.5, retries=1)
    retries: list[str] = []
    response = client.complete(_request(), on_retry=lambda why, delay: retries.append(why))
    assert response.content == "the retry"
    assert len(retries) == 1
    assert "the stream stalled: nothing for 0.5 s after 8 characters" in retries[0]


def test_the_total_cap_cuts_once_and_keeps_the_text(
    llm_server: FakeLLMServer, tmp_path: Path
) -> None:
    llm_server.enqueue(Reply(content=STEADY, chunk_chars=len(STEADY) // 30, chunk_delay=0.1))
    client = _client(llm_server, timeout=30.0, total_timeout=1.0, retries=2)
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    gateway = LLMGateway(client, bus, raw_dir=tmp_path / "raw")
    with pytest.raises(LLMError) as raised:
        gateway.call(_request(), agent="ExecutorAgent")
    assert "cut at the total cap of 1 s (LLM_TOTAL_TIMEOUT)" in raised.value.message
    assert llm_server.request_count == 1  # not retried: it would be cut again
    (kept,) = (tmp_path / "raw").iterdir()
    text = kept.read_text()
    assert text and STEADY.startswith(text)
    warning = [e for e in events if isinstance(e, WarningIssued)]
    assert warning and str(kept) in warning[-1].message


def test_llm_timeout_still_bounds_a_non_streamed_call(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content="late", delay=3.0))
    client = _client(llm_server, timeout=0.5, stream=False, retries=0)
    with pytest.raises(LLMError) as raised:
        client.complete(_request())
    assert "no complete answer within 0.5 s (LLM_TIMEOUT)" in raised.value.message
