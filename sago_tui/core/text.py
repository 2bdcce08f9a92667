"""Small text helpers shared by events, traces and prompts."""

from __future__ import annotations

import re

PREVIEW_LIMIT = 16_000
"""Largest preview (characters) kept in an event; the full text stays on disk."""


def preview(text: str, limit: int = PREVIEW_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    omitted = len(text) - limit
    return f"{text[:limit]}\n… [{omitted} more characters]"


def tail_lines(text: str, count: int) -> str:
    """The last ``count`` non-empty-trailing lines of ``text``."""
    lines = text.rstrip().splitlines()
    return "\n".join(lines[-count:])


def one_line(text: str, limit: int = 200) -> str:
    """``text`` collapsed to a single line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD.

    They reach us as undecodable file names (``os.listdir`` escapes bad bytes as
    surrogates) or as ``\\ud800`` escapes in an LLM's JSON, and no UTF-8 file, trace
    line or HTTP request can hold them: left in, they fail every call and every write.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)
