"""``<keep id="1.2"/>`` in an updated plan: the old task, restored byte for byte (DESIGN.md §11).

``plan --update`` lets the planner write an unaffected task as a keep marker. The
marker is replaced by that task's exact source from the current PLAN.md (from the
start of its line to ``</task>``), so the task parses to the same definition and
its cache entry still holds. An id the current plan lacks, a marker without an id
and a task kept twice are problems for the corrective retry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sago_tui.core.plan_fence import find_fences, locate_block
from sago_tui.core.plan_scan import ScanError
from sago_tui.core.plan_walk import Walker

_KEEP = re.compile(r"(^[ \t]*)?<keep\b([^>]*?)/?>(?:[ \t]*</keep>)?", re.MULTILINE)
_ID = re.compile(r"""\bid\s*=\s*(["'])(.*?)\1""")


@dataclass(frozen=True)
class Expanded:
    """An answer with its keep markers replaced, the ids kept and any problems found."""

    text: str
    kept: tuple[str, ...]
    problems: tuple[str, ...]


def task_sources(text: str) -> dict[str, str]:
    """Each task's source text in PLAN.md ``text`` by id (with its line's indentation)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        block = locate_block(text, find_fences(text))
        walker = Walker(text)
        walker.walk(block.phases_pos)
    except ScanError:
        return {}
    sources: dict[str, str] = {}
    for task in walker.plan.tasks:
        start, end = walker.spans[id(task)]
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip(" \t"):
            start = line_start  # the indentation belongs to the task's bytes
        sources.setdefault(task.id, text[start:end])
    return sources


def expand_keeps(answer: str, sources: dict[str, str]) -> Expanded:
    """Replace every ``<keep id="…"/>`` in ``answer`` with the source of that old task."""
    kept: list[str] = []
    problems: list[str] = []

    def restore(match: re.Match[str]) -> str:
        id_match = _ID.search(match.group(2))
        task_id = id_match.group(2).strip() if id_match else ""
        if not task_id:
            problems.append(f"{match.group(0).strip()} has no id attribute")
            return match.group(0)
        if task_id not in sources:
            known = ", ".join(sources) or "none"
            problems.append(
                f'<keep id="{task_id}"/> names no task of the current plan (its tasks: {known})'
            )
            return match.group(0)
        if task_id in kept:
            problems.append(f"task {task_id} is kept twice")
            return match.group(0)
        kept.append(task_id)
        source = sources[task_id]
        if match.group(1) is not None and source[:1] in (" ", "\t", "<"):
            return source  # the marker's line becomes the task's own lines
        return source.lstrip(" \t")

    text = _KEEP.sub(restore, answer)
    return Expanded(text, tuple(kept), tuple(problems))
