"""LiteLLMClient end to end: litellm → openai SDK → httpx → TCP → FakeLLMServer.

Backoff is shrunk to milliseconds so retries are cheap; the Retry-After and cancellation
tests measure only coarse bounds (seconds), never tight timings.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import Cancelled, ExitCode, LLMError
from sago_tui.core.llm import LiteLLMClient, _Outcome
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.pricing import cost_of
from sago_tui.core.replay import RecordingClient, ReplayClient
from sago_tui.core.tokens import count_tokens
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply, file_answer, settings_for

REQUEST = LLMRequest(
    messages=(("system", "You write code."), ("user", "Write src/a.py")),
    purpose="task",
    task_id="1.1",
)


def make_client(server: FakeLLMServer, **overrides: Any) -> LiteLLMClient:
    return LiteLLMClient(settings_for(server, **overrides), backoff_base=0.01, backoff_cap=0.05)


def fail(server: FakeLLMServer, **overrides: Any) -> LLMError:
    with pytest.raises(LLMError) as info:
        make_client(server, **overrides).complete(REQUEST)
    return info.value


def cancel_after(seconds: float) -> CancelToken:
    token = CancelToken()
    timer = threading.Timer(seconds, token.cancel, args=("user stop",))
    timer.daemon = True
    timer.start()
    return token


def test_non_stream_answer_with_usage_and_cost(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content="hello world", usage=(11, 7)))
    response = make_client(llm_server, stream=False).complete(REQUEST)

    assert response.content == "hello world"
    assert (response.prompt_tokens, response.completion_tokens) == (11, 7)
    assert response.finish_reason == "stop" and not response.truncated
    assert response.model == "gpt-4o"
    assert response.cost_usd is not None
    assert response.cost_usd == pytest.approx(cost_of("openai/gpt-4o", 11, 7))
    assert response.duration_s > 0
    (sent,) = llm_server.requests
    assert sent.model == "gpt-4o" and sent.stream is False
    assert sent.messages == REQUEST.as_messages()
    assert sent.body is not None and sent.body["max_tokens"] == 4096
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_stream_delivers_deltas_on_caller_thread_and_usage(llm_server: FakeLLMServer) -> None:
    text = file_answer({"src/a.py": "print('streamed')\n"})
    llm_server.enqueue(Reply(content=text, chunk_chars=5, usage=(40, 12)))
    deltas: list[str] = []
    threads: set[int] = set()

    def on_delta(piece: str) -> None:
        deltas.append(piece)
        threads.add(threading.get_ident())

    response = make_client(llm_server).complete(REQUEST, on_delta=on_delta)

    assert response.content == text == "".join(deltas)
    assert len(deltas) > 3
    assert threads == {threading.get_ident()}
    assert (response.prompt_tokens, response.completion_tokens) == (40, 12)
    (sent,) = llm_server.requests
    assert sent.stream is True
    assert sent.body is not None and sent.body["stream_options"] == {"include_usage": True}


def test_missing_usage_is_still_counted(llm_server: FakeLLMServer) -> None:
    # litellm fills in usage for a stream without it (chat framing included); the
    # client's own count_tokens fallback covers providers where it does not.
    llm_server.enqueue(Reply(content="some answer text", send_usage=False))
    client = make_client(llm_server)
    response = client.complete(REQUEST)
    assert response.completion_tokens == count_tokens("some answer text", client.model) > 0
    assert response.prompt_tokens >= count_tokens(REQUEST.prompt_text, client.model) > 0
    assert response.cost_usd is not None and response.cost_usd > 0


def test_local_count_when_no_usage_reaches_the_client(llm_server: FakeLLMServer) -> None:
    # White-box: the fallback for providers where litellm reports no usage at all.
    client = make_client(llm_server)
    outcome = _Outcome("some answer text", "stop", None, None, None)
    response = client._response(REQUEST, outcome, 0.25)
    assert response.prompt_tokens == count_tokens(REQUEST.prompt_text, client.model)
    assert response.completion_tokens == count_tokens("some answer text", client.model)
    assert response.model == client.model and response.duration_s == 0.25


def test_finish_reason_length_marks_the_answer_truncated(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content="def f(", finish_reason="length"))
    response = make_client(llm_server).complete(REQUEST)
    assert response.truncated and response.content == "def f("


def test_429_honours_retry_after_then_succeeds(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(status=429, headers={"Retry-After": "1"}), Reply(content="ok"))
    assert make_client(llm_server).complete(REQUEST).content == "ok"
    first, second = llm_server.requests
    # Backoff alone would wait ~10 ms; the one-second gap comes from Retry-After.
    assert second.started_at - first.started_at >= 0.9


def test_500_then_success(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(status=500), Reply(content="recovered"))
    assert make_client(llm_server).complete(REQUEST).content == "recovered"
    assert llm_server.request_count == 2


def test_persistent_500_fails_after_all_retries(llm_server: FakeLLMServer) -> None:
    llm_server.responder = lambda _request: Reply(status=500, error_message="upstream exploded")
    error = fail(llm_server, retries=2)
    assert llm_server.request_count == 3
    assert error.kind == "server" and not error.retryable
    assert error.exit_code == ExitCode.PROVIDER_ERROR
    assert "after 3 attempts" in error.message and "upstream exploded" in error.message


def test_401_is_not_retried_and_never_shows_the_key(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(
        Reply(status=401, error_message=f"Incorrect API key provided: {TEST_API_KEY}.")
    )
    error = fail(llm_server)
    assert llm_server.request_count == 1
    assert error.kind == "auth"
    assert error.message.startswith("LLM provider error (auth) from openai/gpt-4o: 401 ")
    assert "Incorrect API key provided" in error.message
    assert TEST_API_KEY not in error.message and TEST_API_KEY not in repr(error)
    assert "\n" not in error.message


def test_insufficient_quota_is_not_retried(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(
        Reply(status=429, error_code="insufficient_quota", error_message="You exceeded quota.")
    )
    error = fail(llm_server)
    assert llm_server.request_count == 1
    assert error.kind == "quota"


def test_unknown_model_404_is_a_bad_request(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(status=404, error_message="The model `gpt-9` does not exist"))
    error = fail(llm_server)
    assert llm_server.request_count == 1
    assert error.kind == "bad_request" and "gpt-9" in error.message


def test_slow_answer_times_out_and_is_retried(llm_server: FakeLLMServer) -> None:
    llm_server.responder = lambda _request: Reply(content="late", delay=5)
    started = time.monotonic()
    error = fail(llm_server, timeout=0.5, retries=1, stream=False)
    assert error.kind == "timeout"
    assert llm_server.request_count == 2
    assert time.monotonic() - started < 3


def test_trickling_stream_is_bounded_by_the_total_cap(llm_server: FakeLLMServer) -> None:
    # Each chunk arrives well within the idle timeout; only the optional total cap stops it
    # (LLM_TIMEOUT no longer cuts a streamed answer that keeps coming).
    llm_server.enqueue(Reply(content="x" * 200, chunk_chars=1, chunk_delay=0.05))
    started = time.monotonic()
    error = fail(llm_server, timeout=30.0, total_timeout=0.6, retries=0)
    assert error.kind == "timeout" and "total cap" in error.message
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "broken",
    [Reply(content="partial " * 10, stream_cut=True), Reply(content="partial " * 10, reset=True)],
    ids=["stream-cut", "reset-mid-stream"],
)
def test_broken_stream_is_retried(llm_server: FakeLLMServer, broken: Reply) -> None:
    llm_server.enqueue(broken, Reply(content="complete"))
    deltas: list[str] = []
    response = make_client(llm_server).complete(REQUEST, on_delta=deltas.append)
    assert response.content == "complete"
    assert llm_server.request_count == 2
    assert deltas[-1] == "complete"


def test_reset_before_answer_is_retried(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(reset=True), Reply(content="second try"))
    assert make_client(llm_server, stream=False).complete(REQUEST).content == "second try"
    assert llm_server.request_count == 2


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_invalid_json_is_retried_then_reported(llm_server: FakeLLMServer, stream: bool) -> None:
    llm_server.responder = lambda _request: Reply(invalid_json=True)
    error = fail(llm_server, retries=1, stream=stream)
    assert llm_server.request_count == 2
    assert error.kind == "bad_response"


def test_cancel_interrupts_a_slow_call(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content="too late", delay=10))
    started = time.monotonic()
    with pytest.raises(Cancelled):
        make_client(llm_server).complete(REQUEST, cancel=cancel_after(0.3))
    assert time.monotonic() - started < 1.5


def test_cancel_interrupts_a_retry_after_wait(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(status=429, headers={"Retry-After": "60"}))
    started = time.monotonic()
    with pytest.raises(Cancelled):
        make_client(llm_server).complete(REQUEST, cancel=cancel_after(0.3))
    assert time.monotonic() - started < 1.5
    assert llm_server.request_count == 1


def test_parallel_calls_overlap_on_the_server(llm_server: FakeLLMServer) -> None:
    llm_server.responder = lambda request: Reply(content=request.messages[-1]["content"], delay=0.4)
    client = make_client(llm_server)
    results: dict[int, str] = {}

    def run(index: int) -> None:
        request = LLMRequest(messages=(("user", f"task {index}"),), purpose="task")
        results[index] = client.complete(request).content

    workers = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert results == {i: f"task {i}" for i in range(4)}
    assert llm_server.max_in_flight == 4


def test_recording_a_live_call_replays_without_the_server(
    llm_server: FakeLLMServer, tmp_path: Path
) -> None:
    answer = file_answer({"src/a.py": "print(1)\n"})
    llm_server.enqueue(Reply(content=answer, usage=(30, 9)))
    path = tmp_path / "cassette.json"
    live = RecordingClient(make_client(llm_server), path).complete(REQUEST)
    llm_server.stop()

    assert TEST_API_KEY not in path.read_text()
    replayed = ReplayClient(path).complete(REQUEST)
    assert (replayed.content, replayed.prompt_tokens, replayed.completion_tokens) == (
        live.content,
        30,
        9,
    )
    assert replayed.cost_usd == pytest.approx(live.cost_usd)


# Run in a fresh interpreter: proves the lazy import, and that litellm prints nothing
# (no "Give Feedback" banner, no log lines) on errors that a TUI would show garbled.
_SUBPROCESS_SCRIPT = """
import sys
from sago_tui.core.llm import LiteLLMClient, _Outcome
print("litellm imported:", "litellm" in sys.modules)
from sago_tui.core.errors import LLMError
from sago_tui.core.llm_types import LLMRequest
from tests.llm_server import FakeLLMServer, Reply, settings_for

request = LLMRequest(messages=(("user", "hi"),), purpose="task")
with FakeLLMServer() as server:
    server.enqueue(Reply(status=401), Reply(status=500), Reply(content="done"))
    client = LiteLLMClient(settings_for(server, retries=0))
    for _ in range(2):
        try:
            client.complete(request)
        except LLMError as error:
            print(error.kind)
    print(client.complete(request).content)
print("litellm imported:", "litellm" in sys.modules)
"""


def test_litellm_is_imported_lazily_and_prints_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "litellm imported: False",
        "auth",
        "server",
        "done",
        "litellm imported: True",
    ]
    assert result.stderr == ""
