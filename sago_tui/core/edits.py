"""SEARCH/REPLACE edits of existing files (DESIGN.md §12).

An answer may change a file that exists with an edit instead of the whole file::

    === EDIT: pkg/util.py ===
    <<<<<<< SEARCH
    exact lines of the current file
    =======
    the lines that replace them
    >>>>>>> REPLACE

Several pairs may follow one header, and the pairs may sit inside a fence. Each
SEARCH must match the current file exactly once; a match that ignores only trailing
whitespace is accepted. A file with CRLF line ends keeps them. An edit that does not
apply raises :class:`EditFailed` naming the block, and nothing of that file changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sago_tui.core.errors import SagoError

EDIT_HEADER = re.compile(
    r"^[ \t]*={3,}[ \t]*EDIT:[ \t]*(?P<path>.*?)(?:[ \t]*={3,})?[ \t]*$", re.IGNORECASE
)
ANY_HEADER = re.compile(r"^[ \t]*={3,}[ \t]*(?:EDIT|FILE):", re.IGNORECASE)
_SEARCH = re.compile(r"^[ \t]*<{5,9}[ \t]*SEARCH[ \t]*$")
_DIVIDER = re.compile(r"^[ \t]*={5,9}[ \t]*$")
_REPLACE = re.compile(r"^[ \t]*>{5,9}[ \t]*REPLACE[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


class EditFailed(SagoError):
    """An edit (or one of its blocks) cannot be applied; ``block`` is 1-based, 0 = the edit."""

    def __init__(self, path: str, block: int, reason: str) -> None:
        where = f"SEARCH block {block} of the EDIT for {path}" if block else f"the EDIT for {path}"
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.block = block
        self.reason = reason


@dataclass(frozen=True)
class Replacement:
    """One SEARCH/REPLACE pair, ``\\n`` line ends, each ending in a newline unless empty."""

    search: str
    replace: str


@dataclass(frozen=True)
class EditBlock:
    """Every pair under one ``=== EDIT:`` header; ``line`` is the header's 1-based line."""

    path: str
    replacements: tuple[Replacement, ...]
    line: int
    error: str = ""  # set when the block is malformed (no pair, unterminated pair)


def header_path(line: str) -> str | None:
    """The path of an ``=== EDIT: path ===`` line, or None."""
    match = EDIT_HEADER.match(line)
    if match is None:
        return None
    return match["path"].strip().strip("`'\"").strip()


def split_answer(answer: str) -> tuple[str, list[EditBlock]]:
    """``(text without the edit sections, edit blocks)``.

    An edit section runs from its header to the next ``=== FILE:``/``=== EDIT:`` header
    (or the end); the rest of the answer goes to the file-block parser unchanged, so an
    edit can never be swallowed into a neighbouring file's fence. A header inside a
    file block fenced with four or more backticks is that file's content, not an edit.
    """
    lines = answer.split("\n")
    kept: list[str] = []
    edits: list[EditBlock] = []
    index = 0
    long_fence: str | None = None  # the closing fence of a 4+ backtick file block
    while index < len(lines):
        line = lines[index]
        bare = line.rstrip("\r")
        if long_fence is not None:
            kept.append(line)
            if bare.strip() == long_fence:
                long_fence = None
            index += 1
            continue
        path = header_path(bare)
        if path is None:
            kept.append(line)
            if ANY_HEADER.match(bare):
                long_fence = _long_fence_after(lines, index)
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not ANY_HEADER.match(lines[end]):
            end += 1
        edits.append(_parse_section(path, lines[index + 1 : end], index + 1))
        index = end
    return "\n".join(kept), edits


def _long_fence_after(lines: list[str], header: int) -> str | None:
    """The fence that opens the file block after ``header`` when it is 4+ backticks long."""
    for line in lines[header + 1 :]:
        if line.strip():
            match = _FENCE.match(line)
            fence = match.group(1) if match else ""
            return fence if len(fence) >= 4 else None
    return None


def _parse_section(path: str, lines: list[str], line_number: int) -> EditBlock:
    """The pairs of one edit section; lines outside pairs (fences, prose) are ignored."""
    pairs: list[Replacement] = []
    search: list[str] | None = None
    replace: list[str] | None = None
    for raw in lines:
        line = raw.rstrip("\r")
        if search is None:
            if _SEARCH.match(line):
                search = []
        elif replace is None:
            if _DIVIDER.match(line):
                replace = []
            else:
                search.append(line)
        elif _REPLACE.match(line):
            pairs.append(Replacement(_joined(search), _joined(replace)))
            search = replace = None
        else:
            replace.append(line)
    error = ""
    if search is not None:
        error = f"SEARCH block {len(pairs) + 1} is not closed by ======= and >>>>>>> REPLACE"
    elif not pairs:
        error = "no <<<<<<< SEARCH / ======= / >>>>>>> REPLACE block"
    return EditBlock(path, tuple(pairs), line_number, error)


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def apply_edit(original: str, block: EditBlock) -> str:
    """``original`` with every pair of ``block`` applied in order; raises :class:`EditFailed`.

    Matching works on lines with ``\\n`` ends; a CRLF file is matched the same way and
    written back with CRLF.
    """
    if block.error:
        raise EditFailed(block.path, 0, block.error)
    crlf = "\r\n" in original
    text = original.replace("\r\n", "\n")
    for number, pair in enumerate(block.replacements, 1):
        text = _apply_pair(text, pair, block.path, number)
    return text.replace("\n", "\r\n") if crlf else text


def _apply_pair(text: str, pair: Replacement, path: str, number: int) -> str:
    if not pair.search.strip():
        raise EditFailed(path, number, "the SEARCH part is empty")
    lines = text.splitlines(keepends=True)
    had_newline = not lines or lines[-1].endswith("\n")
    if not had_newline:
        lines[-1] += "\n"  # match a last line that has no newline; restored below
    wanted = pair.search.splitlines(keepends=True)
    starts = _matches(lines, wanted, lambda a, b: a == b)
    if not starts:
        starts = _matches(lines, wanted, lambda a, b: a.rstrip() == b.rstrip())
    if not starts:
        raise EditFailed(path, number, "the SEARCH text was not found in the current file")
    if len(starts) > 1:
        shown = ", ".join(str(start + 1) for start in starts[:5])
        raise EditFailed(
            path, number, f"the SEARCH text matches {len(starts)} places (lines {shown})"
        )
    start = starts[0]
    new = lines[:start] + pair.replace.splitlines(keepends=True) + lines[start + len(wanted) :]
    result = "".join(new)
    return result[:-1] if not had_newline and result.endswith("\n") else result


def _matches(lines: list[str], wanted: list[str], same: Callable[[str, str], bool]) -> list[int]:
    """Start indexes where ``wanted`` occurs in ``lines`` under ``same(a, b)``."""
    span = len(wanted)
    first = wanted[0]
    return [
        start
        for start in range(len(lines) - span + 1)
        if same(lines[start], first)
        and all(same(lines[start + offset], wanted[offset]) for offset in range(1, span))
    ]
