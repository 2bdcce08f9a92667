"""Text clean-up shared by the console printer and the report writers.

Verify commands run arbitrary tools, and some of them colour their output or draw
progress bars even when nobody is watching. Their bytes end up in CI logs, XML,
JSON and Markdown, so everything that came from outside sago-tui is cleaned first:
ANSI escape sequences are removed, carriage-return progress lines keep only what a
terminal would have shown last, and other control characters are dropped (XML 1.0
forbids most of them outright: one stray ``\\x1b`` makes a JUnit file unreadable).
"""

from __future__ import annotations

import re
import textwrap

# CSI (colours, cursor moves), OSC (titles, hyperlinks) and the two-byte escapes.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[@-Z\\-_]"  # other Fe escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# C0/C1 controls except tab and newline; also what XML 1.0 cannot carry at all.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


_CODE_SPAN = re.compile(r"`[^`\n]+`")
_NBSP = "\u00a0"


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences."""
    return _ANSI.sub("", text)


def clean(text: str) -> str:
    """``text`` made safe for a log line, XML, JSON or Markdown (newlines kept).

    ``\\r\\n`` becomes ``\\n``; within a line, a bare ``\\r`` (a progress bar
    redrawing itself) keeps only the text after the last one, as a terminal would.
    Tabs become spaces so column widths in CI logs stay predictable.
    """
    if not text:
        return ""
    text = strip_ansi(text).replace("\r\n", "\n")
    if "\r" in text:
        lines = []
        for line in text.split("\n"):
            parts = [part for part in line.split("\r") if part]
            lines.append(parts[-1] if parts else "")
        text = "\n".join(lines)
    return _CONTROL.sub("", text).expandtabs(4)


def flat(text: str) -> str:
    """``text`` cleaned and collapsed onto one line (whitespace runs become one space)."""
    return " ".join(clean(text).split())


def fold(text: str, width: int, first: str, rest: str, max_lines: int | None = None) -> list[str]:
    """``text`` (one logical line) folded into lines of at most ``width`` columns.

    The first line starts with ``first``, continuations with ``rest``. Breaks fall
    on spaces where possible, otherwise inside long words (a path or a base64 blob
    still folds). With ``max_lines`` the last kept line ends with ``…``.
    """
    width = max(width, len(first) + 10, len(rest) + 10)
    # A short `code span` (a command to copy) is kept whole: its spaces become
    # no-break spaces, which textwrap does not split at, and are restored after.
    fits = width - len(rest)  # a span longer than a whole line must break anyway
    text = _CODE_SPAN.sub(
        lambda m: m.group(0).replace(" ", _NBSP) if len(m.group(0)) <= fits else m.group(0),
        text.replace(_NBSP, " "),
    )
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return [line.replace(_NBSP, " ") for line in lines]


def tail(text: str, count: int) -> str:
    """The last ``count`` lines of cleaned ``text``, blank lines at either end removed."""
    lines = clean(text).strip("\n").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(line.rstrip() for line in lines[-count:])
