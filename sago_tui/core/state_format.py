"""The STATE.md text format: parsing (tolerant, also the seed's format) and rendering.

Only :mod:`sago_tui.core.state` writes the file; this module turns text into a
:class:`StateSnapshot` and back. ``render_state(parse_state(text))`` keeps every
section it does not own verbatim, and rendering a parsed rendering changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from sago_tui.core.plan import task_id_key
from sago_tui.core.task_status import TaskStatus

_EMPTY = "—"
# A bare "#" is a heading too (an empty ATX heading): rendered back as "#", it must
# parse as one again, or a second pass would move it into another section.
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RECORD = re.compile(r"^\s*(?:[-*+]\s+)?\[([✓✗⊘xX])\]\s+([^\s:]+):\s*(.*?)\s*$")
_STAMP = re.compile(r"^(.*?)\s*\((\d{4}-\d\d-\d\d[^()]*)\)$")
_NOTE = re.compile(r"^\s+(?:[-*+]\s+)?(Error|Reason|Note):\s*(.*?)\s*$")
_DETAIL = re.compile(r"^\s+\| ?(.*)$")
_REFUSED = re.compile(r"^\s+(?:[-*+]\s+)?Refused:\s*(.*?)\s*$")
_CONTEXT = re.compile(r"^\s*[-*+]\s+\*\*(Active Phase|Current Task|Last Run):\*\*\s*(.*?)\s*$")
_CONTEXT_FIELDS = {
    "Active Phase": "active_phase",
    "Current Task": "current_task",
    "Last Run": "last_run",
}
_PROGRESS_TITLES = frozenset({"task progress", "completed tasks"})
_OWN_TITLES = _PROGRESS_TITLES | {"current context"}


_ICONS = {TaskStatus.PASSED: "✓", TaskStatus.FAILED: "✗", TaskStatus.SKIPPED: "⊘"}
# The label of the indented line under a record.
_NOTE_LABELS = {TaskStatus.PASSED: "Note", TaskStatus.FAILED: "Error", TaskStatus.SKIPPED: "Reason"}
_BY_ICON = {"✓": TaskStatus.PASSED, "x": TaskStatus.PASSED, "X": TaskStatus.PASSED,
            "✗": TaskStatus.FAILED, "⊘": TaskStatus.SKIPPED}  # fmt: skip


@dataclass(frozen=True)
class TaskRecord:
    """One task's latest result; ``detail`` holds the ``| `` lines (verify output tail)."""

    task_id: str
    name: str
    status: TaskStatus
    timestamp: str
    error: str = ""
    detail: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "path (reason)" the task may not write


@dataclass
class StateSnapshot:
    """Parsed STATE.md. ``other_sections`` are (heading line, body) kept verbatim;
    ``preamble`` is the text under the title, ``*_extra`` unknown lines of our sections."""

    records: dict[str, TaskRecord] = field(default_factory=dict)
    active_phase: str = ""
    current_task: str = ""
    last_run: str = ""
    other_sections: list[tuple[str, str]] = field(default_factory=list)
    title: str = "STATE"
    preamble: str = ""
    context_extra: list[str] = field(default_factory=list)
    progress_extra: list[str] = field(default_factory=list)


def _blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Split at headings (not inside code fences): (heading line or None, body lines)."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    fenced = False
    for line in lines:
        heading = _HEADING.match(line)
        # Our own headings end an unclosed fence, so a user's stray ``` cannot hide them.
        if heading and (not fenced or (heading.group(2) or "").strip().lower() in _OWN_TITLES):
            fenced = False
            blocks.append((line.rstrip(), []))
            continue
        if _FENCE.match(line):
            fenced = not fenced
        blocks[-1][1].append(line)
    return blocks


def _trim(lines: list[str]) -> str:
    """Body text without trailing blank lines (leading ones are part of the layout)."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines)


def _parse_records(lines: list[str], records: dict[str, TaskRecord]) -> list[str]:
    """Collect records into ``records`` (a later line for an id wins); return other lines."""
    other: list[str] = []
    current: TaskRecord | None = None
    for line in lines:
        if match := _RECORD.match(line):
            status, task_id, rest = _BY_ICON[match.group(1)], match.group(2), match.group(3)
            stamp = _STAMP.match(rest)
            name, timestamp = (stamp.group(1), stamp.group(2).strip()) if stamp else (rest, "")
            error = ""
            if not stamp and status is not TaskStatus.PASSED and " — " in name:
                name, error = name.split(" — ", 1)  # the seed's "[✗] 1.1: name — reason"
            current = TaskRecord(task_id, name, status, timestamp, error, [], [])
            records[task_id] = current
        elif current is not None and (refused := _REFUSED.match(line)):
            current.refused.append(refused.group(1))
        elif current is not None and (note := _NOTE.match(line)):
            current = dataclasses.replace(current, error=note.group(2))
            records[current.task_id] = current
        elif current is not None and (detail := _DETAIL.match(line)):
            current.detail.append(detail.group(1).rstrip())
        elif line.strip():
            current = None
            other.append(line.rstrip())
        elif current is None:
            other.append("")
    return other


def parse_state(text: str) -> StateSnapshot:
    """Read STATE.md text (ours or the seed's format); never raises, keeps what it can."""
    snap = StateSnapshot()
    blocks = _blocks(text.replace("\r\n", "\n").splitlines())
    preamble = list(blocks[0][1])
    shift = 0
    for index, (heading, body) in enumerate(blocks[1:]):
        match = _HEADING.match(heading or "")
        level, title = (len(match.group(1)), match.group(2) or "") if match else (0, "")
        key = title.strip().lower()
        if index == 0 and (level == 1 or key in ("state", "state.md")):
            snap.title = "STATE" if key == "state.md" else title
            # The seed titled the file "## STATE.md" and nested sections one level deeper.
            shift = level - 1
            preamble += body
        elif key == "current context":
            for line in body:
                if field_match := _CONTEXT.match(line):
                    value = field_match.group(2)
                    value = "" if value in (_EMPTY, "-", "None", "none") else value
                    setattr(snap, _CONTEXT_FIELDS[field_match.group(1)], value)
                elif line.strip():
                    snap.context_extra.append(line.rstrip())
        elif key in _PROGRESS_TITLES:
            snap.progress_extra += [x for x in _parse_records(body, snap.records) if x]
        else:
            if shift and level > 2:
                heading = "#" * max(2, level - shift) + (heading or "")[level:]
            snap.other_sections.append((heading or "", _trim(body)))
    # The seed appended task lines anywhere; records before any section still count.
    snap.preamble = _trim(_parse_records(preamble, snap.records)).strip("\n")
    return snap


def render_state(snapshot: StateSnapshot) -> str:
    """STATE.md text for ``snapshot``; records sorted by numeric task id."""
    out = [f"# {snapshot.title or 'STATE'}", ""]
    if snapshot.preamble.strip():
        out += [snapshot.preamble.strip("\n"), ""]
    out.append("## Current Context")
    for label, attr in _CONTEXT_FIELDS.items():
        out.append(f"- **{label}:** {getattr(snapshot, attr) or _EMPTY}")
    out += [*snapshot.context_extra, "", "## Task Progress"]
    for record in sorted(snapshot.records.values(), key=lambda r: task_id_key(r.task_id)):
        stamp = f" ({record.timestamp})" if record.timestamp else ""
        out.append(f"- [{_ICONS[record.status]}] {record.task_id}: {record.name}{stamp}".rstrip())
        if record.error:
            out.append(f"  {_NOTE_LABELS[record.status]}: {record.error}")
        out += [f"  Refused: {entry}" for entry in record.refused]
        out += [f"    | {line}".rstrip() for line in record.detail]
    out += [*snapshot.progress_extra, ""]
    for heading, body in snapshot.other_sections:
        out += [heading, body, ""] if body else [heading, ""]
    return "\n".join(out).rstrip("\n") + "\n"
