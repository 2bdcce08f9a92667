"""Recorded LLM sessions ("cassettes"), so the demo and the tests run without a key.

A cassette is JSON::

    {"version": 1, "model": "openai/gpt-4o", "interactions": [
        {"purpose": "task", "task_id": "1.2", "attempt": 1, "prompt_sha256": "…",
         "response": {"content": "…", "finish_reason": "stop", "prompt_tokens": 812,
                      "completion_tokens": 240, "model": "gpt-4o"}}]}

Only a hash of the prompt is kept (prompts embed the user's files); API keys never reach
this module. :class:`ReplayClient` answers from a cassette with zero network access;
:class:`RecordingClient` wraps a live client and writes one.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.cancel import CancelToken
from sago_tui.core.cassette import CASSETTE_VERSION, Interaction, load_cassette
from sago_tui.core.errors import Cancelled, LLMError
from sago_tui.core.llm_types import (
    DeltaCallback,
    LLMClient,
    LLMRequest,
    LLMResponse,
    RetryCallback,
)
from sago_tui.core.pricing import cost_of
from sago_tui.core.secrets import Redactor
from sago_tui.core.tokens import count_tokens

__all__ = [
    "CASSETTE_VERSION",
    "Interaction",
    "RecordingClient",
    "ReplayClient",
    "load_cassette",
    "prompt_sha256",
]


def prompt_sha256(request: LLMRequest) -> str:
    """A stable fingerprint of the request's messages (the prompt itself is not stored)."""
    data = json.dumps(request.as_messages(), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _describe(purpose: str, task_id: str | None, attempt: int) -> str:
    if task_id is not None:
        return f"task {task_id} ({purpose} call, attempt {attempt})"
    return f"the {purpose} call (attempt {attempt})"


class ReplayClient:
    """Answers requests from a cassette, matched by (purpose, task_id, attempt).

    Each recorded interaction is used once, in file order. When no unused interaction has
    the exact key, the next unused one with the same (purpose, task_id) answers, so a run
    that needs fewer or more fix attempts than the recording still replays.
    """

    def __init__(self, path: Path, *, stream_chunk_chars: int = 400) -> None:
        self._path = path
        self._chunk = max(1, stream_chunk_chars)
        self._model, self._interactions = load_cassette(path)
        self._used = [False] * len(self._interactions)
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        """The model the cassette was recorded with."""
        return self._model

    @property
    def remaining(self) -> int:
        """How many recorded interactions have not been replayed yet."""
        with self._lock:
            return self._used.count(False)

    def _take(self, request: LLMRequest) -> Interaction:
        exact = (request.purpose, request.task_id, request.attempt)
        with self._lock:
            for wanted in (exact, None):
                for index, item in enumerate(self._interactions):
                    if self._used[index] or (item.purpose, item.task_id) != exact[:2]:
                        continue
                    if wanted is None or item.attempt == request.attempt:
                        self._used[index] = True
                        return item
        what = _describe(request.purpose, request.task_id, request.attempt)
        raise LLMError(f"no recorded answer for {what} in {self._path.name}", kind="no_recording")

    def complete(
        self,
        request: LLMRequest,
        *,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
        on_retry: RetryCallback | None = None,
    ) -> LLMResponse:
        """The recorded answer, streamed to ``on_delta`` in chunks like a live call."""
        started = time.monotonic()
        if cancel is not None:
            cancel.raise_if_cancelled()
        item = self._take(request)
        content = item.content
        if on_delta is not None:
            for start in range(0, len(content), self._chunk):
                if cancel is not None and cancel.cancelled:
                    raise Cancelled(cancel.reason or "interrupted")
                on_delta(content[start : start + self._chunk])
        model = item.model or self._model
        # A recording may leave the prompt size out (the demo's hand-written answers do):
        # then the prompt actually sent is counted, so costs stay realistic.
        prompt_tokens = item.prompt_tokens or count_tokens(request.prompt_text, self._model)
        cached = min(item.cached_tokens, prompt_tokens)
        cost = cost_of(self._model, prompt_tokens, item.completion_tokens, cached)
        return LLMResponse(
            content=content,
            model=model,
            finish_reason=item.finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=item.completion_tokens,
            duration_s=time.monotonic() - started,
            cost_usd=cost,
            cached_tokens=cached,
        )


class RecordingClient:
    """Passes calls to ``inner`` unchanged and appends each answer to a cassette.

    The file is rewritten atomically after every call, so a crash keeps everything
    recorded so far. An existing cassette is extended (a resumed run adds to it); a
    damaged one is refused rather than overwritten. Secret values known to
    ``redactor`` are replaced in the stored answer (the caller gets it unchanged).
    """

    def __init__(
        self,
        inner: LLMClient,
        path: Path,
        *,
        append: bool = True,
        redactor: Redactor | None = None,
    ) -> None:
        self._inner = inner
        self._path = path
        # A cassette is meant to be shared (tests, bug reports): an answer that echoes a
        # secret (the spec or a file held one) is stored redacted, never verbatim.
        self._redactor = redactor or Redactor(())
        self._lock = threading.Lock()
        self._records: list[dict[str, Any]] = []
        if append and path.exists():
            _, existing = load_cassette(path)
            self._records = [item.to_record() for item in existing]

    @property
    def model(self) -> str:
        """The wrapped client's model."""
        return self._inner.model

    def complete(
        self,
        request: LLMRequest,
        *,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
        on_retry: RetryCallback | None = None,
    ) -> LLMResponse:
        """Ask the wrapped client, record its answer, return it unchanged."""
        response = self._inner.complete(
            request, on_delta=on_delta, cancel=cancel, on_retry=on_retry
        )
        item = Interaction(
            purpose=request.purpose,
            task_id=request.task_id,
            attempt=request.attempt,
            prompt_sha256=prompt_sha256(request),
            content=self._redactor.redact(response.content),
            finish_reason=response.finish_reason,
            prompt_tokens=response.prompt_tokens,
            completion_tokens=response.completion_tokens,
            model=response.model,
            cached_tokens=response.cached_tokens,
        )
        with self._lock:  # parallel tasks: one writer at a time, each write complete
            self._records.append(item.to_record())
            document = {
                "version": CASSETTE_VERSION,
                "model": self._inner.model,
                "interactions": self._records,
            }
            atomic_write_text(self._path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return response
