"""docs/TRACE.md documents every event type and data field of sago_tui/core/events.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from sago_tui.core import events
from sago_tui.export import schema

TRACE_MD = Path(__file__).resolve().parents[2] / "docs" / "TRACE.md"


def test_trace_md_tables_are_current() -> None:
    text = TRACE_MD.read_text(encoding="utf-8")
    assert schema.update(text) == text, (
        "docs/TRACE.md is out of date: run python -m sago_tui.export.schema --write docs/TRACE.md"
    )


def test_every_event_type_and_field_is_in_trace_md() -> None:
    text = TRACE_MD.read_text(encoding="utf-8")
    for kind in events.EVENT_TYPES:
        section = text.split(f"`{kind}`\n", 1)[1].split("\n#", 1)[0]
        for name, _ in schema.data_fields(kind):
            if name != "task_id":
                assert f"| `{name}` |" in section, f"{kind}.{name} missing from TRACE.md"
        assert "`task_id`:" in section


def test_a_new_field_without_a_meaning_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(kw_only=True)
    class Extended(events.TaskFinished):
        brand_new: int = 0

    monkeypatch.setitem(events.EVENT_TYPES, "task_end", Extended)
    with pytest.raises(schema.SchemaError, match=r"task_end\.brand_new"):
        schema.render_tables()


def test_a_new_event_type_without_docs_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(kw_only=True)
    class Novel(events.Event):
        event_type: ClassVar[str] = "novel_thing"

    monkeypatch.setitem(events.EVENT_TYPES, "novel_thing", Novel)
    with pytest.raises(schema.SchemaError, match="novel_thing"):
        schema.render_tables()


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "TRACE.md"
    stale.write_text(f"# x\n{schema.BEGIN}\nold\n{schema.END}\n", encoding="utf-8")
    assert schema.main(["--check", str(stale)]) == 1
    assert schema.main(["--write", str(stale)]) == 0
    assert schema.main(["--check", str(stale)]) == 0
