"""Finding PLAN.md's ```xml block: its opening fence, its ``<phases>`` and its closing fence.

The block is found by its tags, not by the next fence: ``<phases>`` is looked
for after an ```xml opener, and the closing fence is the first fence line after
``</phases>``, so a ``` fence inside an ``<action>`` never cuts the block short.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from sago_tui.core.plan_scan import Note, ScanError

_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
_PHASES_OPEN = re.compile(r"<phases(?=[\s/>])")
# A fence without an info string counts only when <phases> (after an optional
# XML declaration) is the first thing in it; [^>\n] keeps each try to one line.
_BARE_START = re.compile(r"\s*(?:<\?xml[^>\n]*\?>\s*)?(?=<phases[\s/>])")
_SPACE = re.compile(r"\s*")


def _skip_space(text: str, pos: int, end: int) -> int:
    """The first offset in ``pos..end`` that is not whitespace (``end`` if none)."""
    match = _SPACE.match(text, pos, end)
    return match.end() if match is not None else pos


@dataclass(frozen=True)
class FenceLine:
    """A line that opens or closes a fenced code block."""

    start: int  # offset of the line's first character
    end: int  # offset of the newline ending the line (or the end of the text)
    char: str  # "`" or "~"
    length: int
    info: str

    @property
    def is_bare(self) -> bool:
        return not self.info.strip()

    @property
    def is_xml(self) -> bool:
        words = self.info.split()
        return bool(words) and words[0].lower() == "xml"


@dataclass(frozen=True)
class XmlBlock:
    """Where the plan's block opens and where its ``<phases`` tag starts."""

    opener: FenceLine
    phases_pos: int


def find_fences(text: str) -> list[FenceLine]:
    """Every fence line of ``text`` in order."""
    return [
        FenceLine(m.start(), m.end(), m.group(1)[0], len(m.group(1)), m.group(2))
        for m in _FENCE_LINE.finditer(text)
    ]


def _first_after(offsets: list[int], pos: int) -> int | None:
    index = bisect_right(offsets, pos)
    return offsets[index] if index < len(offsets) else None


def locate_block(text: str, fences: list[FenceLine]) -> XmlBlock:
    """The first ```xml block holding ``<phases>``; ``ScanError`` naming the place if none."""
    phases = [m.start() for m in _PHASES_OPEN.finditer(text)]
    closers: dict[str, list[int]] = {"`": [], "~": []}
    for fence in fences:
        if fence.is_bare:
            closers[fence.char].append(fence.start)
    for fence in fences:
        if not fence.is_xml:
            continue
        found = _first_after(phases, fence.end)
        if found is None:
            break
        close = _first_after(closers[fence.char], fence.end)
        if close is None or close > found:
            return XmlBlock(fence, found)
    for fence in fences:
        if fence.is_bare:
            bare = _BARE_START.match(text, fence.end)
            if bare is not None:
                return XmlBlock(fence, bare.end())
    first_xml = next((fence for fence in fences if fence.is_xml), None)
    if first_xml is not None:
        raise ScanError("the ```xml block has no <phases> element", first_xml.start)
    if phases:
        raise ScanError("<phases> is not inside a ```xml fenced block", phases[0])
    raise ScanError("no ```xml block with <phases> found", 0)


def prolog_notes(text: str, start: int, end: int) -> list[Note]:
    """A warning when the block holds more than whitespace, ``<?xml?>`` or comments before
    ``<phases>`` (that text is dropped on rewrite)."""
    pos = start
    while True:
        pos = _skip_space(text, pos, end)
        if pos >= end:
            return []
        for opener, closer in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opener, pos):
                stop = text.find(closer, pos, end)
                if stop < 0:
                    return [(pos, "text before <phases> in the xml block is ignored")]
                pos = stop + len(closer)
                break
        else:
            return [(pos, "text before <phases> in the xml block is ignored")]


def close_block(
    text: str, fences: list[FenceLine], block: XmlBlock, after: int
) -> tuple[int, list[Note]]:
    """Where the postamble starts once ``</phases>`` ended at ``after``, and any warnings.

    The closing fence is the first fence line after ``</phases>`` when it is a
    bare fence of the opener's character; otherwise the block counts as unclosed
    and the postamble starts on the line after ``</phases>``.
    """
    notes: list[Note] = []
    index = bisect_left([fence.start for fence in fences], after)
    fence = fences[index] if index < len(fences) else None
    if fence is not None and fence.is_bare and fence.char == block.opener.char:
        stray = _skip_space(text, after, fence.start)
        if stray < fence.start:
            notes.append((stray, "text after </phases> in the xml block is ignored"))
        return min(fence.end + 1, len(text)), notes
    line_end = text.find("\n", after)
    line_end = len(text) if line_end < 0 else line_end
    stray = _skip_space(text, after, line_end)
    if stray < line_end:
        notes.append((stray, "text after </phases> on its line is ignored"))
    notes.append((after, "the ```xml block has no closing fence after </phases>"))
    return min(line_end + 1, len(text)), notes
