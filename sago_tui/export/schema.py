"""The trace schema, generated from :mod:`sago_tui.core.events` (docs/TRACE.md).

The field names and types come from the event dataclasses; their meanings are
written here. ``docs/TRACE.md`` holds the generated tables between two markers;
regenerate them with ``python -m sago_tui.export.schema --write docs/TRACE.md``
(``--check`` fails when the file is stale). A test runs the check, so an event
type or field added to ``events.py`` without a meaning here, or without
regenerating the docs, fails the build.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from sago_tui.core.events import _ENVELOPE, EVENT_TYPES
from sago_tui.export.schema_docs import EVENT_DOCS, FIELD_DOCS, TASK_SCOPE

BEGIN = "<!-- BEGIN GENERATED EVENT TABLES (python -m sago_tui.export.schema --write) -->"
END = "<!-- END GENERATED EVENT TABLES -->"


class SchemaError(Exception):
    """An event type or field has no documented meaning."""


def data_fields(event_type: str) -> list[tuple[str, str]]:
    """``(name, type)`` of every ``data`` field of an event type, in declaration order."""
    cls = EVENT_TYPES[event_type]
    return [
        (f.name, str(f.type).replace("Any", "any"))
        for f in dataclasses.fields(cls)
        if f.name not in _ENVELOPE
    ]


def _table(event_type: str) -> list[str]:
    if event_type not in TASK_SCOPE:
        raise SchemaError(f"{event_type}: say in schema_docs.TASK_SCOPE whether it has a task_id")
    rows = [f"`task_id`: {TASK_SCOPE[event_type]}.", ""]
    rows += ["| field | type | meaning |", "|---|---|---|"]
    for name, kind in data_fields(event_type):
        if name == "task_id":  # documented once for all, with its scope line above
            continue
        meaning = FIELD_DOCS.get(event_type, {}).get(name) or FIELD_DOCS["*"].get(name)
        if not meaning:
            raise SchemaError(
                f"{event_type}.{name} has no meaning in sago_tui/export/schema_docs.py; "
                "describe it there, then run `python -m sago_tui.export.schema --write "
                "docs/TRACE.md`"
            )
        rows.append(f"| `{name}` | `{kind.replace('|', '&#124;')}` | {meaning} |")
    return rows


def render_tables() -> str:
    """The generated part of docs/TRACE.md: one section per event type."""
    lines = [BEGIN, ""]
    for live_only in (False, True):
        if live_only:
            lines += ["### Live-only events (never written to a trace)", ""]
        for event_type, cls in EVENT_TYPES.items():
            if cls.traced == live_only:
                continue
            if event_type not in EVENT_DOCS:
                raise SchemaError(
                    f"event type {event_type!r} is not described in "
                    "sago_tui/export/schema_docs.py (EVENT_DOCS)"
                )
            heading = "####" if live_only else "###"
            lines += [f"{heading} `{event_type}`", "", EVENT_DOCS[event_type], ""]
            lines += [*_table(event_type), ""]
    lines.append(END)
    return "\n".join(lines)


def update(text: str) -> str:
    """``text`` (docs/TRACE.md) with its generated part replaced by a fresh one."""
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < start:
        raise SchemaError("docs/TRACE.md has no generated-table markers")
    return text[:start] + render_tables() + text[stop + len(END) :]


def main(argv: list[str] | None = None) -> int:
    """``--write FILE`` regenerates the tables in FILE; ``--check FILE`` fails if stale."""
    parser = argparse.ArgumentParser(prog="python -m sago_tui.export.schema")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="FILE")
    group.add_argument("--check", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    path: Path = args.write or args.check
    current = path.read_text(encoding="utf-8")
    fresh = update(current)
    if args.write:
        path.write_text(fresh, encoding="utf-8")
        return 0
    if fresh != current:
        print(f"{path} is out of date: run python -m sago_tui.export.schema --write {path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
