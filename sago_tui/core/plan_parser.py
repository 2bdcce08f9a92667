"""Reading PLAN.md into a :class:`Plan` (DESIGN.md §4).

The ```xml block is located by :mod:`plan_fence`, then walked by the small
state machine of :mod:`plan_walk` over the tags of :mod:`plan_scan` (no
recursion, no ``xml.etree``, so no entity expansion and no depth limit to
hit). A structural problem stops parsing with one error naming its line; a
well-formed plan is then checked by :func:`validate_plan`, which reports
every problem at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from sago_tui.core.errors import PlanError
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_fence import close_block, find_fences, locate_block, prolog_notes
from sago_tui.core.plan_scan import LineCounter, Note, ScanError
from sago_tui.core.plan_validate import validate_plan
from sago_tui.core.plan_walk import Walker


def _normalize(text: str) -> str:
    """Drop a BOM and turn CRLF / CR line ends into LF so offsets map to editor lines."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _scan(text: str, lines: LineCounter) -> tuple[Plan, list[Note]]:
    fences = find_fences(text)
    block = locate_block(text, fences)
    walker = Walker(text)
    notes = prolog_notes(text, block.opener.end, block.phases_pos)
    end = walker.walk(block.phases_pos)
    post_start, closing = close_block(text, fences, block, end)
    plan = walker.plan
    plan.preamble = text[: block.opener.start]
    plan.postamble = text[post_start:]
    # Offsets were stored while walking; turn them into lines in one forward pass.
    for phase in plan.phases:
        phase.line = lines.line(phase.line)
        for task in phase.tasks:
            task.line = lines.line(task.line)
    return plan, sorted([*notes, *walker.notes, *closing])


# Ids and names quoted in messages come from the file: escape anything that
# would break a problem across lines.
_FLAT = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def plan_error(issues: list[PlanIssue]) -> PlanError:
    """A :class:`PlanError` listing ``issues``: one-line summary, one problem per issue."""
    problems = [str(issue).translate(_FLAT) for issue in issues]
    noun = "error" if len(problems) == 1 else "errors"
    return PlanError(f"PLAN.md has {len(problems)} {noun}: {problems[0]}", problems=problems)


# A NUL byte inside a tag (``</action\0>``); in text it is content like any other.
_NUL_IN_TAG = re.compile(r"<[^<>\n]*\x00")


def _nul_error(text: str, lines: LineCounter) -> PlanError | None:
    """The scanner's "not closed" is confusing when a NUL byte broke a tag: name it."""
    found = _NUL_IN_TAG.search(text) if "\x00" in text else None
    if found is None:
        return None
    message = "a NUL byte (\\0) inside a tag; PLAN.md must be plain text"
    return plan_error([PlanIssue("error", message, lines.line(found.end() - 1))])


def parse_plan(text: str) -> tuple[Plan, list[PlanIssue]]:
    """Parse PLAN.md's text; return the plan and its warnings.

    Raises :class:`PlanError` (every error, each naming its line and task) when
    the plan cannot be used.
    """
    text = _normalize(text)
    lines = LineCounter(text)
    try:
        plan, notes = _scan(text, lines)
    except ScanError as exc:
        if (named := _nul_error(text, lines)) is not None:
            raise named from None
        issue = PlanIssue("error", exc.message, lines.line(exc.pos), exc.task_id)
        raise plan_error([issue]) from None
    issues = [PlanIssue("warning", message, lines.line(pos)) for pos, message in notes]
    issues += validate_plan(plan)
    errors = sorted((i for i in issues if i.severity == "error"), key=lambda i: i.line)
    if errors:
        raise plan_error(errors)
    return plan, sorted((i for i in issues if i.severity != "error"), key=lambda i: i.line)


def load_plan(path: Path) -> tuple[Plan, list[PlanIssue]]:
    """Read and parse the PLAN.md at ``path``; :class:`PlanError` when missing or unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(
            f"PLAN.md not found at {path}; run `sago-tui plan` to generate it"
        ) from None
    except OSError as exc:
        raise PlanError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path} is not valid UTF-8 (byte offset {exc.start})") from None
    return parse_plan(text)
