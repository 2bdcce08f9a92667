"""A per-user cache of tiktoken's parsed encodings, so counting starts fast.

``tiktoken.get_encoding("o200k_base")`` decodes 200,000 base64 lines of litellm's bundled
file on every start (~0.12 s before the tokenizer itself is built): most of a 500-task
``--dry-run``'s own time. The parsed tables are saved once with :mod:`marshal` under
``$XDG_CACHE_HOME/sago-tui`` (default ``~/.cache/sago-tui``) and read back in a fraction
of that. The file name carries the source file's published sha256 and tiktoken's version,
and the content its own digest: a stale, damaged or foreign file is ignored (and
replaced), never trusted. Any failure here only means the slow path.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from sago_tui.core.atomic import atomic_write_bytes

_MAGIC = b"sago-tiktoken-1\n"
_DIGEST = 32
_KEYS = frozenset({"name", "pat_str", "mergeable_ranks", "special_tokens", "explicit_n_vocab"})


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/sago-tui``, or ``~/.cache/sago-tui``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sago-tui"


def _path(name: str, source_sha256: str, version: str) -> Path:
    return cache_dir() / f"tiktoken-{name}-{source_sha256[:16]}-{version}.marshal"


def load(name: str, source_sha256: str, version: str) -> dict[str, Any] | None:
    """The saved constructor arguments of encoding ``name``, or None (absent or invalid)."""
    try:
        data = _path(name, source_sha256, version).read_bytes()
    except OSError:
        return None
    head, rest = data[: len(_MAGIC)], data[len(_MAGIC) :]
    digest, payload = rest[:_DIGEST], rest[_DIGEST:]
    if head != _MAGIC or hashlib.blake2b(payload, digest_size=_DIGEST).digest() != digest:
        return None
    try:
        spec = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return spec if _valid(spec, name) else None


def save(name: str, source_sha256: str, version: str, spec: dict[str, Any]) -> None:
    """Keep ``spec`` for the next start (best effort: a read-only home is fine)."""
    if not _valid(spec, name):
        return
    with contextlib.suppress(OSError, ValueError):
        payload = marshal.dumps(spec)
        digest = hashlib.blake2b(payload, digest_size=_DIGEST).digest()
        atomic_write_bytes(_path(name, source_sha256, version), _MAGIC + digest + payload)


def _valid(spec: object, name: str) -> bool:
    """The shape tiktoken's ``Encoding(**spec)`` takes, for this encoding."""
    if not isinstance(spec, dict) or not set(spec) <= _KEYS or spec.get("name") != name:
        return False
    ranks, special = spec.get("mergeable_ranks"), spec.get("special_tokens")
    if not isinstance(spec.get("pat_str"), str) or not isinstance(special, dict):
        return False
    if not isinstance(ranks, dict) or len(ranks) < 1000:
        return False
    key, value = next(iter(ranks.items()))
    return isinstance(key, bytes) and isinstance(value, int)
