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


# CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ESC \), other ESC
# sequences, and the remaining C0/C1 controls except tab.
_TERMINAL_CODES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_terminal_codes(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tabs and
    newlines stay): what a file such as STATE.md should keep of a tool's output."""
    return _TERMINAL_CODES.sub("", text.replace("\r\n", "\n"))


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
