"""A real OpenAI-compatible HTTP server on loopback, scripted by the test.

Every integration test that needs an LLM talks to this server through the real client
stack (litellm → openai SDK → httpx → TCP), so retries, streaming, timeouts and
cancellation are exercised for real, with zero network access and no API key.

Usage::

    from tests.llm_server import FakeLLMServer, Reply, file_answer

    with FakeLLMServer() as srv:                      # or the ``llm_server`` fixture
        srv.enqueue(
            Reply(status=429, headers={"Retry-After": "0"}),   # first request
            Reply(content=file_answer({"src/a.py": "print(1)\n"})),  # second
        )
        settings = settings_for(srv)                  # LLMSettings pointing at srv
        ...                                           # run code under test
        assert srv.request_count == 2
        assert srv.requests[1].stream is True

Answers come from the FIFO queue filled by :meth:`FakeLLMServer.enqueue`; when it is
empty, :attr:`FakeLLMServer.responder` (a callable taking the :class:`RecordedRequest`)
decides. The default responder answers :data:`DEFAULT_TEXT`.

Endpoints: ``POST /v1/chat/completions`` (also ``/chat/completions``), ``GET /v1/models``
(also ``/models``). Streaming uses chunked transfer encoding and SSE lines
(``data: {chunk}\\n\\n`` … ``data: [DONE]\\n\\n``) exactly like the real API, with a final
usage chunk when the request sets ``stream_options.include_usage``.

Fault injection (see :class:`Reply`): HTTP errors with OpenAI-shaped JSON error bodies and
headers such as ``Retry-After``; ``delay`` before answering and ``chunk_delay`` between
stream chunks; ``stream_cut`` (the HTTP body ends cleanly but without a finish chunk or
``[DONE]``); ``reset`` (TCP reset via ``SO_LINGER 0``: mid-stream for streaming requests,
before any byte of the answer otherwise); ``invalid_json`` (200 with a garbage body).

Parallelism is proven from the server side: :attr:`FakeLLMServer.max_in_flight` is the
peak number of requests being answered at once, which does not depend on wall clock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sago_tui.core.settings import LLMSettings, Secret

DEFAULT_TEXT = "Hello from FakeLLMServer."
TEST_API_KEY = "sk-test-FAKE-1234567890abcdefSECRET"
"""The API key test projects use; tests assert it never leaks into output."""

_GARBAGE = b"<html>502 this is not json{"
_LANGUAGES = {"py": "python", "js": "javascript", "ts": "typescript", "md": "markdown"}
_ERROR_TYPES = {401: "invalid_request_error", 403: "permission_error", 404: "not_found_error",
                429: "rate_limit_error", 400: "invalid_request_error"}  # fmt: skip


@dataclass
class Reply:
    """What the server answers to one request (all fields optional).

    ``usage`` is ``(prompt_tokens, completion_tokens)``; None means an approximation from
    the text lengths. ``cached_tokens`` is reported as ``prompt_tokens_details.cached_tokens``
    (OpenAI's field for prompt-cache hits); None reports none, unless the server's
    ``prompt_cache`` is on, which imitates OpenAI's automatic cache.
    ``error_message``/``error_code`` fill the JSON error body of a non-200 reply
    (``code="insufficient_quota"`` imitates an exhausted account).
    ``chunk_chars`` is how many characters of ``content`` go into each stream chunk;
    ``send_usage=False`` leaves usage out of both plain and streamed answers.
    """

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    delay: float = 0.0
    chunk_delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    error_message: str | None = None
    error_code: str | None = None
    usage: tuple[int, int] | None = None
    stream_cut: bool = False
    reset: bool = False
    invalid_json: bool = False
    chunk_chars: int = 16
    send_usage: bool = True  # False: no usage anywhere, like servers that never report it
    model: str | None = None  # None echoes the requested model
    cached_tokens: int | None = None


@dataclass
class RecordedRequest:
    """One request as the server saw it (``body`` is None when it was not JSON)."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    started_at: float
    finished_at: float | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of the request ([] for non-chat requests)."""
        return list((self.body or {}).get("messages") or [])

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed answer."""
        return bool((self.body or {}).get("stream"))

    @property
    def model(self) -> str:
        """The model the client asked for."""
        return str((self.body or {}).get("model") or "")

    @property
    def prompt_text(self) -> str:
        """All message contents joined (handy for asserting on prompts)."""
        return "\n\n".join(str(m.get("content") or "") for m in self.messages)


Responder = Callable[[RecordedRequest], Reply]


def file_answer(files: Mapping[str, str], preamble: str = "") -> str:
    """An answer carrying ``files`` in sago's ``=== FILE: path ===`` + fence format.

    A longer fence is used automatically when a file's content itself holds ``` fences.
    """
    parts = [preamble.rstrip() + "\n\n"] if preamble else []
    for path, content in files.items():
        lang = _LANGUAGES.get(path.rsplit(".", 1)[-1], "") if "." in path else ""
        fence = "````" if "```" in content else "```"
        body = content if content.endswith("\n") else content + "\n"
        parts.append(f"=== FILE: {path} ===\n{fence}{lang}\n{body}{fence}\n\n")
    return "".join(parts)


def env_for(server: FakeLLMServer, **extra: str) -> dict[str, str]:
    """Environment variables that point a sago project at ``server``."""
    env = {
        "LLM_PROVIDER": "openai",
        "LLM_MODEL": "gpt-4o",
        "LLM_API_BASE": server.base_url,
        "LLM_API_KEY": TEST_API_KEY,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    env.update(extra)
    return env


def settings_for(server: FakeLLMServer, **overrides: Any) -> LLMSettings:
    """:class:`LLMSettings` for ``server``: fast retries and timeouts suitable for tests."""
    values: dict[str, Any] = {
        "provider": "openai",
        "model": "gpt-4o",
        "api_key": Secret(TEST_API_KEY),
        "api_base": server.base_url,
        "timeout": 10.0,
        "retries": 2,
    }
    values.update(overrides)
    return LLMSettings(**values)


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler stuck in a delay never blocks interpreter exit
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of parallel requests (20 tasks warmed
    # up at once) would overflow it and wait a full second for TCP to retry the SYN.
    request_queue_size = 128
    fake: FakeLLMServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, cancels, resets) are routine here, not errors."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming, like the real API
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path in ("/v1/models", "/models"):
            data = {"object": "list", "data": [{"id": "gpt-4o", "object": "model"}]}
            self._send_json(200, data, {})
        else:
            self._send_json(404, _error_body("not found", "not_found_error", None), {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = self.path.split("?", 1)[0].rstrip("/")
        if path not in ("/v1/chat/completions", "/chat/completions"):
            self._send_json(404, _error_body(f"no route {path}", "not_found_error", None), {})
            return
        fake = self.server.fake
        record = RecordedRequest(
            method="POST",
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body if isinstance(body, dict) else None,
            started_at=time.monotonic(),
        )
        fake._begin(record)
        try:
            self._answer(fake, record, fake._next_reply(record))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout or cancel)
        finally:
            fake._end(record)

    def _answer(self, fake: FakeLLMServer, record: RecordedRequest, reply: Reply) -> None:
        if reply.delay and fake._stopping.wait(reply.delay):
            self._reset()  # server stopping: drop the client instead of answering late
            return
        if reply.status != 200:
            code = reply.error_code
            kind = "insufficient_quota" if code == "insufficient_quota" else None
            message = reply.error_message or f"fake error {reply.status}"
            err_type = kind or _ERROR_TYPES.get(reply.status, "server_error")
            self._send_json(reply.status, _error_body(message, err_type, code), reply.headers)
        elif reply.reset and not record.stream:
            self._reset()
        elif reply.invalid_json and not record.stream:
            self._send_raw(200, _GARBAGE, "application/json", reply.headers)
        elif record.stream:
            self._stream(fake, record, reply)
        else:
            self._send_json(200, _completion(record, reply), reply.headers)

    def _stream(self, fake: FakeLLMServer, record: RecordedRequest, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.invalid_json:
            self._write_chunk(b"data: " + _GARBAGE + b"\n\n")
            self._write_chunk(b"")
            return
        model = reply.model or record.model
        step = max(1, reply.chunk_chars)
        pieces = [reply.content[i : i + step] for i in range(0, len(reply.content), step)]
        for index, piece in enumerate(pieces or [""]):
            delta: dict[str, Any] = {"content": piece}
            if index == 0:
                delta["role"] = "assistant"
            self._event(_chunk(model, [{"index": 0, "delta": delta, "finish_reason": None}]))
            if reply.reset and index >= len(pieces) // 2:
                self._reset()  # mid-stream: some content already went out
                return
            if reply.chunk_delay and fake._stopping.wait(reply.chunk_delay):
                self._reset()
                return
        if reply.stream_cut:
            self._write_chunk(b"")  # clean end of the HTTP body, but no finish and no [DONE]
            return
        choice = {"index": 0, "delta": {}, "finish_reason": reply.finish_reason}
        self._event(_chunk(model, [choice]))
        wants_usage = ((record.body or {}).get("stream_options") or {}).get("include_usage")
        if wants_usage and reply.send_usage:
            self._event(_chunk(model, [], usage=_usage(record, reply)))
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    def _event(self, payload: dict[str, Any]) -> None:
        self._write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _send_json(self, status: int, data: Any, headers: Mapping[str, str]) -> None:
        self._send_raw(status, json.dumps(data).encode(), "application/json", headers)

    def _send_raw(self, status: int, data: bytes, ctype: str, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER on, timeout 0, then close)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def _error_body(message: str, err_type: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": err_type, "param": None, "code": code}}


def _usage(record: RecordedRequest, reply: Reply) -> dict[str, int]:
    prompt, completion = reply.usage or (
        _approx_tokens(record.prompt_text),
        _approx_tokens(reply.content),
    )
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if reply.cached_tokens is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": min(reply.cached_tokens, prompt)}
    return usage


def cached_prefix_tokens(text: str, earlier: list[str]) -> int:
    """What OpenAI's automatic prompt cache would serve of ``text`` after ``earlier`` prompts.

    The longest prefix shared with an earlier prompt, in approximate tokens, counted only
    from 1,024 tokens on and in steps of 128 (OpenAI's rule).
    """
    best = max((len(os.path.commonprefix([text, other])) for other in earlier), default=0)  # noqa: RUF071
    tokens = best // 4
    return 0 if tokens < 1024 else tokens - tokens % 128


def _chunk(model: str, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }
    data.update(extra)
    return data


def _completion(record: RecordedRequest, reply: Reply) -> dict[str, Any]:
    message = {"role": "assistant", "content": reply.content}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or record.model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        **({"usage": _usage(record, reply)} if reply.send_usage else {}),
    }


class FakeLLMServer:
    """The scripted loopback server; see the module docstring for a walkthrough."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._in_flight = 0
        self._changed = threading.Condition(self._lock)
        self.requests: list[RecordedRequest] = []
        self.max_in_flight = 0
        self.responder: Responder = lambda _request: Reply(content=DEFAULT_TEXT)
        self.prompt_cache = False  # True: report cached_tokens like OpenAI's automatic cache
        self._prompts: list[str] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeLLMServer:
        """Bind a free port on loopback and serve from a daemon thread."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self._host, 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"fake-llm-{self.port}",
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still sleeping in a delay are dropped with a reset."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (the server must be started)."""
        if self._httpd is None:
            raise RuntimeError("FakeLLMServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://{self._host}:{self.port}/v1"

    # -- scripting ---------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        """Queue replies; each request takes the oldest one (FIFO)."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """How many queued replies have not been used yet."""
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Forget queued replies, recorded requests and the in-flight peak."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.max_in_flight = 0
            self._prompts.clear()

    # -- observation -------------------------------------------------------------------------
    @property
    def request_count(self) -> int:
        """How many chat-completion requests arrived so far."""
        with self._lock:
            return len(self.requests)

    @property
    def in_flight(self) -> int:
        """How many requests are being answered right now."""
        with self._lock:
            return self._in_flight

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least ``count`` requests arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    # -- called by the handler threads ---------------------------------------------------------
    def _begin(self, record: RecordedRequest) -> None:
        with self._changed:
            self.requests.append(record)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self._changed.notify_all()

    def _end(self, record: RecordedRequest) -> None:
        with self._changed:
            record.finished_at = time.monotonic()
            self._in_flight -= 1
            self._changed.notify_all()

    def _next_reply(self, record: RecordedRequest) -> Reply:
        with self._lock:
            reply = self._queue.popleft() if self._queue else None
        if reply is None:
            reply = self.responder(record)
        if self.prompt_cache and reply.cached_tokens is None:
            prompt = json.dumps(record.messages)  # the wire form: what a provider would hash
            with self._lock:
                cached = cached_prefix_tokens(prompt, self._prompts)
                self._prompts.append(prompt)
            reply = dataclasses.replace(reply, cached_tokens=cached)
        return reply
