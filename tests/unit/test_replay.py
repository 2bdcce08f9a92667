"""Cassettes: replay by key, FIFO and fallback, clear errors, and recording."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from sago_tui.core import tokens
from sago_tui.core.bus import EventBus
from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import Cancelled, ConfigError, LLMError
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import DeltaCallback, LLMRequest, LLMResponse, RetryCallback
from sago_tui.core.pricing import cost_of
from sago_tui.core.replay import RecordingClient, ReplayClient, prompt_sha256

SECRET = "sk-test-recording-SECRET-0123456789"


def interaction(
    task_id: str | None, content: str, *, purpose: str = "task", attempt: int = 1
) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "task_id": task_id,
        "attempt": attempt,
        "prompt_sha256": "0" * 64,
        "response": {
            "content": content,
            "finish_reason": "stop",
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "model": "gpt-4o",
        },
    }


def write_cassette(path: Path, *items: dict[str, Any], model: str = "openai/gpt-4o") -> Path:
    path.write_text(json.dumps({"version": 1, "model": model, "interactions": list(items)}))
    return path


def request(task_id: str | None, *, purpose: str = "task", attempt: int = 1) -> LLMRequest:
    return LLMRequest(
        messages=(("user", f"do {task_id}"),), purpose=purpose, task_id=task_id, attempt=attempt
    )


def test_answers_by_key_with_usage_model_and_cost(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "demo.json",
        interaction(None, "the plan", purpose="plan"),
        interaction("1.1", "answer 1.1"),
        interaction("1.2", "answer 1.2"),
    )
    client = ReplayClient(path)
    assert client.model == "openai/gpt-4o"

    response = client.complete(request("1.2"))
    assert response.content == "answer 1.2"
    assert (response.prompt_tokens, response.completion_tokens) == (100, 20)
    assert response.model == "gpt-4o" and response.finish_reason == "stop"
    assert response.cost_usd == pytest.approx(cost_of("openai/gpt-4o", 100, 20))
    assert client.complete(request(None, purpose="plan")).content == "the plan"
    assert client.complete(request("1.1")).content == "answer 1.1"
    assert client.remaining == 0


def test_same_key_is_answered_in_file_order(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "demo.json", interaction("1.1", "first"), interaction("1.1", "second")
    )
    client = ReplayClient(path)
    assert [client.complete(request("1.1")).content for _ in range(2)] == ["first", "second"]


def test_exact_attempt_wins_then_falls_back_to_same_task(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "demo.json",
        interaction("1.1", "fix one", purpose="fix", attempt=1),
        interaction("1.1", "fix two", purpose="fix", attempt=2),
    )
    client = ReplayClient(path)
    assert client.complete(request("1.1", purpose="fix", attempt=2)).content == "fix two"
    # No unused attempt 3: the next unused fix for the same task answers.
    assert client.complete(request("1.1", purpose="fix", attempt=3)).content == "fix one"


def test_missing_answer_names_the_task_call_and_file(tmp_path: Path) -> None:
    client = ReplayClient(write_cassette(tmp_path / "demo.json", interaction("1.1", "x")))
    with pytest.raises(LLMError) as info:
        client.complete(request("1.2"))
    assert info.value.kind == "no_recording"
    assert (
        info.value.message == "no recorded answer for task 1.2 (task call, attempt 1) in demo.json"
    )
    client.complete(request("1.1"))
    with pytest.raises(LLMError, match=r"task 1\.1 \(task call, attempt 1\)"):
        client.complete(request("1.1"))  # used up
    with pytest.raises(LLMError, match=r"for the plan call \(attempt 1\) in demo\.json"):
        client.complete(request(None, purpose="plan"))


def test_streams_in_chunks_and_honours_cancel(tmp_path: Path) -> None:
    text = "abcdefghij" * 5
    path = write_cassette(tmp_path / "c.json", interaction("1.1", text), interaction("1.2", text))
    client = ReplayClient(path, stream_chunk_chars=7)
    deltas: list[str] = []
    assert client.complete(request("1.1"), on_delta=deltas.append).content == text
    assert "".join(deltas) == text and max(map(len, deltas)) == 7 and len(deltas) == 8

    token = CancelToken()
    token.cancel("quit")
    with pytest.raises(Cancelled):
        client.complete(request("1.2"), cancel=token)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"version": 1, "model": ', "bad JSON at line 1"),
        ("[]", "top level must be an object"),
        ('{"version": 2, "model": "m", "interactions": []}', "unsupported version 2"),
        ('{"version": 1, "model": "m", "interactions": {}}', "'interactions' must be a list"),
        (
            '{"version": 1, "model": "m", "interactions": [{"purpose": "task", "response": {}}]}',
            "interaction 1: 'response.content' must be a string",
        ),
        (
            '{"version": 1, "model": "m", "interactions": [{"purpose": "task", "attempt": "2",'
            ' "response": {"content": "", "prompt_tokens": 1, "completion_tokens": 1}}]}',
            "interaction 1: 'attempt' must be an integer",
        ),
    ],
    ids=["json", "top", "version", "list", "content", "attempt"],
)
def test_malformed_cassette_is_a_one_line_config_error(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        ReplayClient(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message


def test_missing_cassette_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cassette not found"):
        ReplayClient(tmp_path / "nope.json")


class StubClient:
    """A live-client stand-in that holds a key, as LiteLLMClient does."""

    def __init__(self) -> None:
        self.api_key = SECRET
        self.calls = 0
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        return "openai/gpt-4o"

    def complete(
        self,
        request: LLMRequest,
        *,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
        on_retry: RetryCallback | None = None,
    ) -> LLMResponse:
        with self._lock:
            self.calls += 1
        content = f"answer for {request.task_id}/{request.attempt}"
        if on_delta is not None:
            on_delta(content)
        return LLMResponse(content, "gpt-4o", "stop", 50, 10, 0.01, 0.001)


def test_recording_round_trips_through_replay(tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "run.json"
    inner = StubClient()
    recorder = RecordingClient(inner, path)
    assert recorder.model == "openai/gpt-4o"
    prompt = LLMRequest(messages=(("user", "private spec text"),), purpose="task", task_id="1.1")

    deltas: list[str] = []
    first = recorder.complete(prompt, on_delta=deltas.append)
    assert first.content == "answer for 1.1/1" and deltas == [first.content]
    assert len(json.loads(path.read_text())["interactions"]) == 1  # written at once

    fix = LLMRequest(messages=(("user", "fix it"),), purpose="fix", task_id="1.1", attempt=2)
    recorder.complete(fix)

    text = path.read_text()
    assert SECRET not in text and "private spec text" not in text
    data = json.loads(text)
    assert data["version"] == 1 and data["model"] == "openai/gpt-4o"
    assert data["interactions"][0]["prompt_sha256"] == prompt_sha256(prompt)
    replay = ReplayClient(path)
    assert replay.complete(fix).content == "answer for 1.1/2"
    assert replay.complete(prompt).content == "answer for 1.1/1"


def test_recording_is_thread_safe_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    recorder = RecordingClient(StubClient(), path)
    workers = [
        threading.Thread(target=recorder.complete, args=(request(f"1.{i}"),)) for i in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    RecordingClient(StubClient(), path).complete(request("2.1"))  # a resumed run extends it

    ids = [item["task_id"] for item in json.loads(path.read_text())["interactions"]]
    assert sorted(ids[:8]) == [f"1.{i}" for i in range(8)] and ids[8] == "2.1"


def test_recording_refuses_to_overwrite_a_damaged_cassette(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match=r"run\.json"):
        RecordingClient(StubClient(), path)
    assert path.read_text() == "{not json"


def test_cached_prompt_tokens_are_recorded_and_replayed_at_the_cache_price(
    tmp_path: Path,
) -> None:
    cached_call = interaction("1.2", "answer")
    cached_call["response"]["cached_tokens"] = 64
    path = write_cassette(tmp_path / "c.json", interaction("1.1", "first"), cached_call)
    replay = ReplayClient(path)
    plain, cached = replay.complete(request("1.1")), replay.complete(request("1.2"))
    assert (plain.cached_tokens, cached.cached_tokens) == (0, 64)
    assert cached.cost_usd == pytest.approx(cost_of("openai/gpt-4o", 100, 20, cached_tokens=64))
    assert cached.cost_usd is not None and plain.cost_usd is not None
    assert cached.cost_usd < plain.cost_usd

    class CachingStub(StubClient):
        def complete(self, request: LLMRequest, **_: Any) -> LLMResponse:
            return LLMResponse("ok", "gpt-4o", "stop", 50, 10, 0.01, 0.001, cached_tokens=32)

    out = tmp_path / "rec.json"
    RecordingClient(CachingStub(), out).complete(request("2.1"))
    (recorded,) = json.loads(out.read_text())["interactions"]
    assert recorded["response"]["cached_tokens"] == 32
    bad = interaction("1.1", "x")
    bad["response"]["cached_tokens"] = "many"
    with pytest.raises(ConfigError, match="cached_tokens"):
        ReplayClient(write_cassette(tmp_path / "bad.json", bad))


def test_a_finished_call_starts_the_tokenizer_load_whatever_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A replay (or a model that answers before the client's first poll) never waits on
    the network: the gateway starts the load after the first answer instead."""
    started: list[str | None] = []
    monkeypatch.setattr(tokens, "_encoders", {})
    monkeypatch.setattr(tokens, "_background", set())
    monkeypatch.setattr(tokens, "_encoder", lambda name: started.append(name))
    gateway = LLMGateway(StubClient(), EventBus())
    request = LLMRequest(messages=(("user", "hi"),), purpose="task", task_id="1.1")
    gateway.call(request, agent="ExecutorAgent")
    gateway.call(request, agent="ExecutorAgent")
    for thread in threading.enumerate():
        if thread.name == "sago-tokenizer":
            thread.join(10)
    assert started == ["o200k_base"]  # once, for gpt-4o's encoding
