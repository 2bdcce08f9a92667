"""Small text helpers shared by events, traces and prompts."""

from __future__ import annotations

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
