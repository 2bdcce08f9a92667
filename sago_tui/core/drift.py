"""Spec drift: what changed in the spec since PLAN.md was made (DESIGN.md §11).

Compares the spec files with ``.planning/spec-snapshot/`` and names each change
per requirement (``REQ-4 added``, ``REQ-2 changed``, ``REQ-3 removed``) or per file
(``PROJECT.md changed``). Checkbox marks are not content, and neither is
whitespace inside a requirement's text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sago_tui.core.project import SPEC_FILES, Project
from sago_tui.core.requirements import parse_requirements, without_marks
from sago_tui.core.spec_snapshot import load_snapshot, read_spec

UPDATE_HINT = "`sago-tui plan --update`"
REQUIREMENTS = "REQUIREMENTS.md"


@dataclass(frozen=True)
class SpecChange:
    """One change: ``subject`` (``REQ-4`` or a file name) and ``kind`` (added/changed/removed)."""

    subject: str
    kind: str

    def __str__(self) -> str:
        return f"{self.subject} {self.kind}"


@dataclass(frozen=True)
class SpecDrift:
    """Every change between the snapshot and the spec, plus both texts for the diff."""

    changes: tuple[SpecChange, ...] = ()
    old: dict[str, str] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def summary(self, limit: int = 8) -> str:
        """``REQ-4 added, REQ-2 changed`` (at most ``limit`` items, then ``and N more``)."""
        names = [str(change) for change in self.changes]
        shown = ", ".join(names[:limit])
        return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")

    def line(self) -> str:
        """The one line every front end shows."""
        return (
            f"spec changed since PLAN.md was made: {self.summary()}; update it with {UPDATE_HINT}"
        )

    def unified_diff(self) -> str:
        """The unified diff of the spec (marks cleared), file by file."""
        chunks: list[str] = []
        for name in SPEC_FILES:
            before = without_marks(self.old.get(name, ""))
            after = without_marks(self.new.get(name, ""))
            if before == after:
                continue
            chunks.extend(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
            if chunks and not chunks[-1].endswith("\n"):
                chunks[-1] += "\n"
        return "".join(chunks)


def _normal(text: str) -> str:
    """A file's content for comparison: marks cleared, line ends and trailing space ignored."""
    return "\n".join(line.rstrip() for line in without_marks(text).splitlines()).strip()


def _requirement_changes(old: str, new: str) -> list[SpecChange]:
    before, after = parse_requirements(old), parse_requirements(new)
    changes: list[SpecChange] = []
    for req_id, req in after.items():
        if req_id not in before:
            changes.append(SpecChange(req_id, "added"))
        elif before[req_id].text != req.text:
            changes.append(SpecChange(req_id, "changed"))
    changes += [SpecChange(req_id, "removed") for req_id in before if req_id not in after]
    if not changes and _normal(old) != _normal(new):
        changes.append(SpecChange(REQUIREMENTS, "changed"))  # text around the requirements
    return changes


def compare_specs(old: dict[str, str], new: dict[str, str]) -> SpecDrift:
    """The drift from spec ``old`` to spec ``new`` (both by file name)."""
    changes: list[SpecChange] = []
    for name in SPEC_FILES:
        if name not in old and name not in new:
            continue
        if name == REQUIREMENTS:
            changes += _requirement_changes(old.get(name, ""), new.get(name, ""))
        elif name not in old:
            changes.append(SpecChange(name, "added"))
        elif name not in new:
            changes.append(SpecChange(name, "removed"))
        elif _normal(old[name]) != _normal(new[name]):
            changes.append(SpecChange(name, "changed"))
    return SpecDrift(tuple(changes), dict(old), dict(new))


def detect_drift(project: Project) -> SpecDrift | None:
    """The drift of ``project``'s spec, or None when PLAN.md has no snapshot to compare with."""
    if not project.plan_path.is_file():
        return None
    snapshot = load_snapshot(project)
    if snapshot is None:
        return None
    return compare_specs(snapshot, read_spec(project))
