"""Parsing ``=== FILE: path ===`` blocks out of LLM answers (DESIGN.md §5.2).

An answer carries each file as a header line followed by a fenced block::

    === FILE: src/app.py ===
    ```python
    ...content...
    ```

A longer fence (four or more backticks) may wrap content that itself holds
fences. When the content of a three-backtick block holds fences, the block ends
at the *last* closing fence before the next file header: the seed cut files
short at the first inner fence, which silently dropped the rest of a README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sago_tui.core.errors import SagoError

_HEADER = re.compile(
    r"^[ \t]*={3,}[ \t]*FILE:[ \t]*(?P<path>.*?)(?:[ \t]*={3,})?[ \t]*$", re.IGNORECASE
)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")


class FileBlockError(SagoError):
    """An answer's file block cannot be used (it has no closing fence)."""

    def __init__(self, path: str, line: int) -> None:
        super().__init__(
            f"answer block for {path or '<no path>'} (line {line}) has no closing fence; "
            "the answer may be cut off"
        )
        self.path = path
        self.line = line


@dataclass(frozen=True)
class FileBlock:
    """One file of an answer; ``line`` is the 1-based line of its header."""

    path: str
    content: str
    line: int


def normalize_content(text: str) -> str:
    """``text`` as a parsed block holds it: ``\\n`` line ends, exactly one trailing newline.

    An empty text stays empty (an empty ``__init__.py`` is a real file).
    """
    body = "\n".join(line.removesuffix("\r") for line in text.split("\n")).rstrip("\n")
    return body + "\n" if body else ""


def _header_path(line: str) -> str | None:
    match = _HEADER.match(line)
    if match is None:
        return None
    # Models wrap the path in backticks or quotes now and then; none of that is the name.
    return match["path"].strip().strip("`'\"").strip()


def _opener(line: str) -> tuple[str, str, int] | None:
    """``(indent, fence char, fence length)`` when ``line`` opens a fenced block."""
    match = _FENCE.match(line)
    if match is None:
        return None
    fence = match["fence"]
    if fence[0] == "`" and "`" in match["info"]:
        return None  # CommonMark: a backtick fence's info string holds no backtick
    return match["indent"], fence[0], len(fence)


def _block_starts(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(header index, opener index, path)`` for every header followed by a fence."""
    starts: list[tuple[int, int, str]] = []
    for index, line in enumerate(lines):
        path = _header_path(line)
        if path is None:
            continue
        following = index + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines) and _opener(lines[following]) is not None:
            starts.append((index, following, path))
    return starts


def _find_close(
    lines: list[str], opener: int, char: str, length: int, limits: list[int]
) -> int | None:
    """Index of the line closing the block opened at ``opener``, or None.

    ``limits`` are the later block headers, then ``len(lines)``. The block ends at the
    last usable closing fence before the first limit: a bare fence not pairing with an
    inner opener that has a language if there is one, else any bare fence long enough.
    A long opener fence (4+) announces nested fences, so it may run past a header
    that sits inside its content; a plain one may not (it would swallow the next file).
    """
    inner: list[int] = []  # lengths of open inner fences (those with an info string)
    outer: int | None = None  # last bare fence not closing an inner block
    loose: int | None = None  # last bare fence at all
    limit_index = 0
    for index in range(opener + 1, len(lines) + 1):
        if index == limits[limit_index]:
            if outer is not None or loose is not None:
                return outer if outer is not None else loose
            if length <= 3 or index == len(lines):
                return None
            limit_index += 1
            continue
        match = _FENCE.match(lines[index])
        if match is None or match["fence"][0] != char or len(match["fence"]) < length:
            continue
        run = len(match["fence"])
        if match["info"]:
            if char == "~" or "`" not in match["info"]:
                inner.append(run)  # an opener with a language is content, never our close
            continue
        loose = index
        if inner and run >= inner[-1]:
            inner.pop()
        elif not inner:
            outer = index
    return None


def parse_file_blocks(answer: str) -> list[FileBlock]:
    """Every file block of ``answer`` in order; text outside blocks is ignored.

    Duplicate paths are all kept (the writer uses the last one). A header with no
    fence after it is ignored; a block with no closing fence raises
    :class:`FileBlockError`, because writing it would silently truncate the file.
    """
    lines = [line.removesuffix("\r") for line in answer.split("\n")]
    starts = _block_starts(lines)
    blocks: list[FileBlock] = []
    position = 0
    for number, (header, opener_index, path) in enumerate(starts):
        if header < position:
            continue  # this header sits inside an earlier block's content
        opened = _opener(lines[opener_index])
        assert opened is not None  # _block_starts checked it
        indent, char, length = opened
        limits = [start[0] for start in starts[number + 1 :] if start[0] > opener_index]
        limits.append(len(lines))
        close = _find_close(lines, opener_index, char, length, limits)
        if close is None:
            raise FileBlockError(path, header + 1)
        content = lines[opener_index + 1 : close]
        if indent and all(line.startswith(indent) for line in content if line.strip()):
            content = [line[len(indent) :] for line in content]
        blocks.append(FileBlock(path, normalize_content("\n".join(content)), header + 1))
        position = close + 1
    return blocks


def render_file_block(path: str, content: str, language: str = "") -> str:
    """``content`` as an answer block, fenced so that ``parse_file_blocks`` reads it back.

    The fence is longer than any backtick run in ``content``; it is at least four long
    when the content holds a line that looks like a file header, so the block may run
    past it.
    """
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    length = max(3, longest + 1)
    if any(_header_path(line) is not None for line in content.split("\n")):
        length = max(length, 4)
    fence = "`" * length
    tag = language.replace("`", "").strip()
    body = content if not content or content.endswith("\n") else content + "\n"
    return f"=== FILE: {path} ===\n{fence}{tag}\n{body}{fence}\n"
