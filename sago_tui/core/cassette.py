"""The cassette file format: reading and validating recorded LLM interactions.

:mod:`sago_tui.core.replay` replays and records cassettes; this module only knows the
shape of the JSON (see that module's docstring) and reports a damaged file in one line
that names the file and the offending entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sago_tui.core.errors import ConfigError

CASSETTE_VERSION = 1


@dataclass(frozen=True)
class Interaction:
    """One recorded call: its key, the prompt's hash and the answer."""

    purpose: str
    task_id: str | None
    attempt: int
    prompt_sha256: str
    content: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    model: str | None = None
    cached_tokens: int = 0  # prompt tokens the provider served from its prompt cache

    def to_record(self) -> dict[str, Any]:
        """The JSON shape stored in the cassette (``cached_tokens`` only when there were any)."""
        record: dict[str, Any] = {
            "purpose": self.purpose,
            "task_id": self.task_id,
            "attempt": self.attempt,
            "prompt_sha256": self.prompt_sha256,
            "response": {
                "content": self.content,
                "finish_reason": self.finish_reason,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "model": self.model,
            },
        }
        if self.cached_tokens:
            record["response"]["cached_tokens"] = self.cached_tokens
        return record


_TYPE_NAMES = {str: "a string", int: "an integer", type(None): "null"}


def _field(data: dict[str, Any], key: str, kinds: tuple[type, ...], where: str) -> Any:
    """``data[key]`` if it has one of ``kinds``; ``where`` prefixes the error message."""
    value = data.get(key.rsplit(".", 1)[-1])
    # bool is an int subclass; a token count or attempt of `true` is still a broken file.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in kinds)
        raise ValueError(f"{where}'{key}' must be {names}")
    return value


def _interaction(raw: Any, index: int) -> Interaction:
    where = f"interaction {index + 1}: "
    if not isinstance(raw, dict):
        raise ValueError(f"{where}must be an object")
    response = raw.get("response")
    if not isinstance(response, dict):
        raise ValueError(f"{where}'response' must be an object")
    # A number would lose information (1.10 reads as 1.1): task ids must be strings.
    task_id = _field(raw, "task_id", (str, type(None)), where)
    return Interaction(
        purpose=_field(raw, "purpose", (str,), where),
        task_id=task_id,
        attempt=_field(raw, "attempt", (int,), where) if "attempt" in raw else 1,
        prompt_sha256=str(raw.get("prompt_sha256") or ""),
        content=_field(response, "response.content", (str,), where),
        finish_reason=str(response.get("finish_reason") or "stop"),
        prompt_tokens=_field(response, "response.prompt_tokens", (int,), where),
        completion_tokens=_field(response, "response.completion_tokens", (int,), where),
        model=response.get("model") if isinstance(response.get("model"), str) else None,
        cached_tokens=(
            _field(response, "response.cached_tokens", (int,), where)
            if "cached_tokens" in response
            else 0
        ),
    )


def parse_cassette(data: Any) -> tuple[str, list[Interaction]]:
    """``(model, interactions)`` from decoded JSON; ValueError says what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("the top level must be an object")
    if data.get("version") != CASSETTE_VERSION:
        raise ValueError(f"unsupported version {data.get('version')!r} (expected 1)")
    model = data.get("model")
    if not isinstance(model, str) or not model:
        raise ValueError("'model' must be a non-empty string")
    raw_items = data.get("interactions")
    if not isinstance(raw_items, list):
        raise ValueError("'interactions' must be a list")
    return model, [_interaction(raw, index) for index, raw in enumerate(raw_items)]


def load_cassette(path: Path) -> tuple[str, list[Interaction]]:
    """Read and validate a cassette; raise :class:`ConfigError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: cassette not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read cassette: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not a valid cassette: bad JSON at line {exc.lineno}: {exc.msg}"
        ) from None
    try:
        return parse_cassette(data)
    except ValueError as exc:
        raise ConfigError(f"{path}: not a valid cassette: {exc}") from None
