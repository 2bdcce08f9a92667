"""Colour for the code the app shows: file contents, LLM answers and diffs.

Pure functions from text to :class:`Content` (Pygments through Textual's
:func:`textual.highlight.highlight`, themed with the app's colour variables), so the
detail views stay simple and the functions are testable without a screen. Anything
larger than :data:`MAX_CHARS` is shown plain: colouring megabytes would stall the UI.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.highlight import highlight

MAX_CHARS = 200_000
FILE_HEADER = re.compile(r"^=== FILE: (?P<path>.+?) ===\s*$")
FENCE = re.compile(r"^(?P<ticks>`{3,})\s*(?P<lang>[\w+#.-]*)\s*$")
ADDED, REMOVED = "on $success 12%", "on $error 12%"


def code(text: str, path: str | None = None, language: str | None = None) -> Content:
    """``text`` coloured as the language of ``path`` (or ``language``); plain when unknown."""
    if not text or len(text) > MAX_CHARS:
        return Content(text)
    if not language and not path:
        return Content(text)  # guessing from the text alone colours prose as code
    return highlight(text, language=language or None, path=path)


def code_lines(lines: list[str], path: str | None) -> list[Content]:
    """Each of ``lines`` coloured in the context of the others (strings span lines)."""
    if not lines:
        return []
    coloured = code("\n".join(lines), path).split("\n", allow_blank=True)
    if len(coloured) < len(lines):  # never lose a line to a lexer's quirk
        return [Content(line) for line in lines]
    return coloured[: len(lines)]


def _closing(lines: list[str], start: int, ticks: str) -> int:
    """The index of the fence closing the block opened just before ``start``."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(ticks) and not stripped.strip("`"):
            return index
    return len(lines)


def answer(text: str) -> Content:
    """An LLM answer: ``=== FILE:`` headers stand out, fenced code is coloured by its
    language (from the fence, else the file's name), headings are bold."""
    if len(text) > MAX_CHARS:
        return Content(text)
    lines = text.split("\n")
    parts: list[Content] = []
    path: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if header := FILE_HEADER.match(line):
            path = header["path"].strip()
            parts.append(Content.styled(line, "bold $text-accent"))
        elif fence := FENCE.match(line):
            end = _closing(lines, index + 1, fence["ticks"])
            parts.append(Content.styled(line, "$text-muted"))
            body = lines[index + 1 : end]
            if fence["lang"]:
                parts += [code("\n".join(body), language=fence["lang"])] if body else []
            else:
                parts += code_lines(body, path)
            if end < len(lines):
                parts.append(Content.styled(lines[end], "$text-muted"))
            index, path = end + 1, None
            continue
        elif line.startswith("#"):
            parts.append(Content.styled(line, "bold"))
        else:
            parts.append(Content(line))
        index += 1
    return Content("\n").join(parts)
