"""A unified diff drawn two ways: unified (``+``/``-`` lines) or side by side.

:func:`parse_diff` reads the diff once into rows; the old and the new side are each
coloured as a whole file (so a string or docstring spanning lines keeps its colour),
then :func:`unified` and :func:`side_by_side` lay the rows out. Without colour the
unified view is the plain ``+``/``-``/``@@`` colouring the app has always shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textual.content import Content

from sago_tui.tui.highlight import ADDED, REMOVED, code_lines

HUNK = re.compile(r"^@@ -(?P<old>\d+)(?:,\d+)? \+(?P<new>\d+)(?:,\d+)? @@")
GUTTER = 5  # line numbers in the side-by-side view


@dataclass
class Row:
    """One diff line: ``kind`` is head, hunk, note, context, added or removed."""

    kind: str
    text: str
    old: int | None = None  # index into ParsedDiff.old (and its line number)
    new: int | None = None
    old_no: int = 0
    new_no: int = 0


@dataclass
class ParsedDiff:
    """The rows, and the old and new sides' lines coloured (or plain)."""

    rows: list[Row] = field(default_factory=list)
    old: list[Content] = field(default_factory=list)
    new: list[Content] = field(default_factory=list)


def parse_diff(diff: str, path: str | None = None, *, colour: bool = True) -> ParsedDiff:
    """Rows of ``diff``; with ``colour`` each side is coloured as ``path``'s language."""
    rows: list[Row] = []
    old: list[str] = []
    new: list[str] = []
    old_no = new_no = 0
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            rows.append(Row("head", line))
        elif line.startswith("@@"):
            if hunk := HUNK.match(line):
                old_no, new_no = int(hunk["old"]), int(hunk["new"])
            rows.append(Row("hunk", line))
        elif line.startswith("+"):
            new.append(line[1:])
            rows.append(Row("added", line, new=len(new) - 1, new_no=new_no))
            new_no += 1
        elif line.startswith("-"):
            old.append(line[1:])
            rows.append(Row("removed", line, old=len(old) - 1, old_no=old_no))
            old_no += 1
        elif line.startswith("\\"):
            rows.append(Row("note", line))
        else:
            text = line[1:] if line.startswith(" ") else line
            old.append(text)
            new.append(text)
            rows.append(Row("context", line, len(old) - 1, len(new) - 1, old_no, new_no))
            old_no, new_no = old_no + 1, new_no + 1
    side = (lambda lines: code_lines(lines, path)) if colour else _plain
    return ParsedDiff(rows, side(old), side(new))


def _plain(lines: list[str]) -> list[Content]:
    return [Content(line) for line in lines]


def unified(parsed: ParsedDiff, *, colour: bool = True) -> Content:
    """The ``+``/``-`` view; with ``colour`` the code keeps its syntax colours on a tint."""
    lines: list[Content] = []
    for row in parsed.rows:
        if row.kind == "head":
            lines.append(Content.styled(row.text, "bold"))
        elif row.kind == "hunk":
            lines.append(Content.styled(row.text, "$text-accent"))
        elif row.kind == "note":
            lines.append(Content.styled(row.text, "$text-muted"))
        elif not colour:
            style = {"added": "$text-success", "removed": "$text-error"}.get(row.kind, "")
            lines.append(Content.styled(row.text, style) if style else Content(row.text))
        elif row.kind == "added" and row.new is not None:
            body = Content.assemble(("+", "$text-success"), parsed.new[row.new])
            lines.append(body.stylize_before(ADDED))
        elif row.kind == "removed" and row.old is not None:
            body = Content.assemble(("-", "$text-error"), parsed.old[row.old])
            lines.append(body.stylize_before(REMOVED))
        elif row.new is not None:
            lines.append(Content.assemble(" ", parsed.new[row.new]))
    return Content("\n").join(lines)


def _cell(parsed: ParsedDiff, row: Row | None, old_side: bool, width: int) -> Content:
    """One half of a side-by-side line: line number, then the code, cut to ``width``."""
    if row is None:
        return Content(" " * width)
    index, number = (row.old, row.old_no) if old_side else (row.new, row.new_no)
    if index is None:
        return Content(" " * width)
    text = (parsed.old if old_side else parsed.new)[index]
    cell = Content.assemble((f"{number:>{GUTTER - 1}} ", "$text-muted"), text)
    cell = cell.truncate(width, ellipsis=True, pad=True)
    if row.kind == "added":
        return cell.stylize_before(ADDED)
    if row.kind == "removed":
        return cell.stylize_before(REMOVED)
    return cell


def pairs(parsed: ParsedDiff) -> list[tuple[Row | None, Row | None] | Row]:
    """Side-by-side lines: (old, new) pairs, removals facing additions; hunks span both."""
    out: list[tuple[Row | None, Row | None] | Row] = []
    removed: list[Row] = []
    added: list[Row] = []

    def flush() -> None:
        for at in range(max(len(removed), len(added))):
            out.append((removed[at] if at < len(removed) else None,
                        added[at] if at < len(added) else None))  # fmt: skip
        removed.clear()
        added.clear()

    for row in parsed.rows:
        if row.kind == "removed":
            if added:  # a new change block: the earlier one is complete
                flush()
            removed.append(row)
        elif row.kind == "added":
            added.append(row)
        else:
            flush()
            if row.kind == "context":
                out.append((row, row))
            elif row.kind != "head":
                out.append(row)
    flush()
    return out


def side_by_side(parsed: ParsedDiff, width: int) -> Content:
    """Old on the left, new on the right, each line cut to half of ``width``."""
    half = max(10, (width - 3) // 2)
    lines: list[Content] = []
    for item in pairs(parsed):
        if isinstance(item, Row):
            style = "$text-accent" if item.kind == "hunk" else "$text-muted"
            lines.append(Content.styled(item.text, style).truncate(width, ellipsis=True))
            continue
        left, right = item
        lines.append(Content.assemble(_cell(parsed, left, True, half), (" │ ", "$text-muted"),
                                      _cell(parsed, right, False, half)))  # fmt: skip
    return Content("\n").join(lines)
