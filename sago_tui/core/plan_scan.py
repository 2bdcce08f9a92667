"""Low-level pieces of the tolerant PLAN.md scanner (DESIGN.md §4).

PLAN.md is written by LLMs and edited by hand, so it is not parsed as strict
XML: text elements take everything up to their own closing tag, which lets a
bare ``&`` or ``<`` (``a < b``, ``x && y``, ``<div>``) and even a ``` fence
stand in an ``<action>``. Only the known entities and character references are
decoded; nothing is ever expanded from a DOCTYPE. Every pattern here is linear
(no nested quantifiers), so hostile input cannot cause catastrophic
backtracking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# One structural problem: the message and the offset it is about.
Note = tuple[int, str]

STRUCTURAL_TAGS: frozenset[str] = frozenset({"phases", "phase", "task"})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")
_ATTR = re.compile(
    r"\s*([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))"
)
_TAG_END = re.compile(r"\s*(/?)>")
_CLOSE_END = re.compile(r"\s*>")
_CLOSE = re.compile(r"</([A-Za-z_][A-Za-z0-9_.:-]*)\s*>")
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_SEPARATORS = re.compile(r"[,\n]")
_ID_SEPARATORS = re.compile(r"[,\s]+")


class ScanError(Exception):
    """A structural problem that stops parsing; ``pos`` is an offset in the text."""

    def __init__(self, message: str, pos: int, task_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.task_id = task_id


@dataclass
class Tag:
    """An opening or closing tag found at ``start``; ``end`` is just past its ``>``."""

    name: str
    start: int
    end: int
    closing: bool = False
    self_closing: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


class LineCounter:
    """1-based line numbers of offsets; cheap when asked in increasing order."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def line(self, pos: int) -> int:
        """The line holding offset ``pos``."""
        if pos < self._pos:  # rare: restart rather than keep an index of every line
            self._pos, self._line = 0, 1
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def decode_entities(text: str) -> str:
    """Decode the five XML entities and character references; leave anything else as text."""
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    if match.group(3):
        return _NAMED[match.group(3)]
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return match.group(0)  # not a character: keep the text as written
    return chr(code)


def read_tag(text: str, pos: int) -> Tag | None:
    """The tag starting at ``text[pos] == '<'``, or None when that ``<`` starts no tag name."""
    closing = text.startswith("</", pos)
    name_match = _NAME.match(text, pos + (2 if closing else 1))
    if name_match is None:
        return None
    name, cursor = name_match.group(), name_match.end()
    if closing:
        end = _CLOSE_END.match(text, cursor)
        if end is None:
            raise ScanError(f"malformed closing tag </{name}", pos)
        return Tag(name, pos, end.end(), closing=True)
    tag = Tag(name, pos, pos)
    while True:
        end = _TAG_END.match(text, cursor)
        if end is not None:
            tag.end, tag.self_closing = end.end(), bool(end.group(1))
            return tag
        attr = _ATTR.match(text, cursor)
        if attr is None:
            raise ScanError(f'malformed <{name}> tag (attributes must look like key="value")', pos)
        key = attr.group(1)
        if key in tag.attrs:
            raise ScanError(f"<{name}> has the attribute {key} twice", pos)
        value = next(group for group in attr.groups()[1:] if group is not None)
        tag.attrs[key] = decode_entities(value)
        cursor = attr.end()


def read_leaf(text: str, tag: Tag) -> tuple[str, int]:
    """The decoded text of the element opened by ``tag`` and the offset after its end tag.

    Everything up to ``</name>`` is text, except CDATA sections (taken verbatim);
    a closing ``</task>``, ``</phase>`` or ``</phases>`` first means the element
    was never closed.
    """
    parts: list[str] = []
    segment = cursor = tag.end
    while True:
        at = text.find("<", cursor)
        if at < 0:
            raise ScanError(f"<{tag.name}> is never closed", tag.start)
        if text.startswith("<![CDATA[", at):
            stop = text.find("]]>", at + 9)
            if stop < 0:
                raise ScanError("CDATA section is never closed (no ]]>)", at)
            parts += [decode_entities(text[segment:at]), text[at + 9 : stop]]
            segment = cursor = stop + 3
            continue
        close = _CLOSE.match(text, at)
        if close is not None:
            if close.group(1) == tag.name:
                parts.append(decode_entities(text[segment:at]))
                return "".join(parts), close.end()
            if close.group(1) in STRUCTURAL_TAGS:
                raise ScanError(f"<{tag.name}> is not closed before </{close.group(1)}>", tag.start)
        cursor = at + 1


def _common_prefix(strings: list[str]) -> str:
    """The longest prefix shared by all ``strings`` ("" for none)."""
    if not strings:
        return ""
    # The lexicographic extremes differ first where any pair differs.
    low, high = min(strings), max(strings)
    size = 0
    while size < len(low) and low[size] == high[size]:
        size += 1
    return low[:size]


def clean_text(raw: str) -> str:
    """Strip surrounding whitespace and remove the indentation the XML layout added.

    Text starting on the tag's own line keeps that line as is; the lines after
    it lose their common leading spaces/tabs, so indented code in an action
    keeps its relative indentation.
    """
    lines = raw.split("\n")
    if len(lines) == 1:
        return raw.strip()
    rest = lines[1:]
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in rest if line.strip(" \t")]
    prefix = _common_prefix(indents)
    rest = [line[len(prefix) :] if line.startswith(prefix) else "" for line in rest]
    return "\n".join([lines[0], *rest]).strip()


def split_files(raw: str) -> list[str]:
    """``<files>`` entries: split on commas and newlines, stripped, without leading ``./``."""
    files: list[str] = []
    for part in _SEPARATORS.split(raw):
        name = part.strip()
        while name.startswith("./"):
            name = name[2:].strip()
        if name:
            files.append(name)
    return files


def split_ids(raw: str) -> list[str]:
    """``depends_on`` ids: split on commas and whitespace, empties dropped."""
    return [part for part in _ID_SEPARATORS.split(raw) if part]
