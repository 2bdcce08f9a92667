"""REQUIREMENTS.md as data: numbered requirements and their checkboxes (DESIGN.md §3, §11).

A requirement line is ``* [ ] **REQ-1:** text`` (also ``-`` bullets, ``[x]``,
``**REQ-1**:`` and a plain ``REQ-1:``). The checkbox mark is state, not content:
two files that differ only in their marks describe the same spec.
:func:`set_boxes` changes exactly the mark characters and nothing else, so
ticking a box never rewrites a line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Groups: 1 the bullet and "[", 2 the mark, 3 up to the text (4 the id inside it), 5 the text.
_LINE = re.compile(
    r"^(\s*[-*+]\s*\[)([ xX])(\]\s*(?:\*\*)?(REQ-\d+)(?::\*\*|\*\*\s*:|\s*:)\s*)(.*)$"
)
_BOX = re.compile(r"^(\s*[-*+]\s*\[)[ xX](\])", re.MULTILINE)


@dataclass(frozen=True)
class Requirement:
    """One numbered requirement of REQUIREMENTS.md."""

    id: str
    text: str
    line: int  # 1-based
    checked: bool


def parse_requirements(text: str) -> dict[str, Requirement]:
    """Requirements by id, in file order; a repeated id keeps its first line."""
    found: dict[str, Requirement] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            continue
        req_id = match.group(4)
        if req_id not in found:
            text_part = " ".join(match.group(5).split())
            found[req_id] = Requirement(req_id, text_part, number, match.group(2) != " ")
    return found


def without_marks(text: str) -> str:
    """``text`` with every checkbox unticked: what the spec says, not how far it got."""
    return _BOX.sub(r"\1 \2", text)


def set_boxes(text: str, wanted: Mapping[str, bool]) -> str:
    """``text`` with the boxes of ``wanted``'s requirements ticked (True) or not (False).

    Only the one mark character of each first line of a requirement changes;
    line ends and every other byte stay as they were.
    """
    seen: set[str] = set()
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        match = _LINE.match(body)
        if match is not None and match.group(4) in wanted and match.group(4) not in seen:
            seen.add(match.group(4))
            mark = "x" if wanted[match.group(4)] else " "
            if (match.group(2) != " ") != wanted[match.group(4)]:
                start = match.start(2)
                line = line[:start] + mark + line[start + 1 :]
        out.append(line)
    return "".join(out)
