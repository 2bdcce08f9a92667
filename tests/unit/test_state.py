"""STATE.md: format round trip, the seed's format, the store's guarantees."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sago_tui.core.state import (
    MAX_DETAIL_LINES,
    StateSnapshot,
    StateStore,
    TaskRecord,
    TaskStatus,
    initial_state_text,
    parse_state,
    render_state,
)

EXAMPLE = """\
# STATE

## Current Context
- **Active Phase:** Phase 1: Setup
- **Current Task:** 1.2: Create models
- **Last Run:** 3f2a… (2026-11-25 10:00:00, failed)

## Task Progress
- [✓] 1.1: Create config module (2026-11-25 10:00:00)
- [✗] 1.2: Create models (2026-11-25 10:01:00)
  Error: test_failure: 2 failed, 1 passed
    | E   assert add(2, 2) == 5
    | FAILED tests/test_calc.py::test_add - assert 4 == 5
- [⊘] 1.3: Write docs (2026-11-25 10:01:00)
  Reason: dependency 1.2 failed

## Decisions Log

* **2026-11-24:** SQLite for storage.

```bash
# a comment inside a fence, not a heading
```

## Known Blockers
- none
"""

SEED = """\
## STATE.md

### Current Context
* **Active Phase:** Phase 1 - Foundation
* **Current Task:** Task 1.1 - Initialize Python Project Structure
* **Session Start:** 2026-02-16

### Decisions Log
* **2026-02-16:** Using Python 3.11+ with modern packaging (pyproject.toml)

## Completed Tasks
- [✓] 1.1: Initialize project (2026-02-16 10:00:00)
- [✗] 1.2: Config module (2026-02-16 10:05:00)
  - Error: ImportError: No module named 'pydantic_settings'
- [⊘] 1.3: Docs (2026-02-16 10:05:00)
[✗] 1.4: Parser — verify command failed
- [✓] 1.1: Initialize project (2026-02-16 11:00:00)
"""


class Clock:
    """A deterministic clock that advances one minute per call."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 10, 0, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "STATE.md", clock=Clock())


def test_example_parses_fully() -> None:
    snap = parse_state(EXAMPLE)
    assert snap.active_phase == "Phase 1: Setup"
    assert snap.current_task == "1.2: Create models"
    assert snap.last_run == "3f2a… (2026-11-25 10:00:00, failed)"
    assert snap.records["1.2"] == TaskRecord(
        "1.2",
        "Create models",
        TaskStatus.FAILED,
        "2026-11-25 10:01:00",
        "test_failure: 2 failed, 1 passed",
        ["E   assert add(2, 2) == 5", "FAILED tests/test_calc.py::test_add - assert 4 == 5"],
    )
    assert snap.records["1.3"].status is TaskStatus.SKIPPED
    assert snap.records["1.3"].error == "dependency 1.2 failed"
    assert [heading for heading, _ in snap.other_sections] == [
        "## Decisions Log",
        "## Known Blockers",
    ]
    assert "# a comment inside a fence" in snap.other_sections[0][1]


def test_round_trip_is_stable() -> None:
    rendered = render_state(parse_state(EXAMPLE))
    assert parse_state(rendered) == parse_state(EXAMPLE)
    assert render_state(parse_state(rendered)) == rendered
    assert rendered == EXAMPLE  # our own format comes back byte for byte


def test_snapshot_survives_render_and_parse() -> None:
    snap = StateSnapshot(
        records={
            "2.1": TaskRecord("2.1", "B", TaskStatus.PASSED, "2026-01-01 00:00:00"),
            "1.1": TaskRecord("1.1", "A (v2)", TaskStatus.FAILED, "2026-01-01 00:00:00", "x: y",
                              ["  indented", "", "| pipe"]),
        },
        active_phase="Phase 2",
        other_sections=[("## Notes", "\n- keep me\n\n  spaced"), ("## Empty", "")],
    )  # fmt: skip
    assert parse_state(render_state(snap)) == snap


def test_seed_format_is_read() -> None:
    snap = parse_state(SEED)
    assert snap.active_phase == "Phase 1 - Foundation"
    assert snap.current_task == "Task 1.1 - Initialize Python Project Structure"
    assert snap.context_extra == ["* **Session Start:** 2026-02-16"]
    assert snap.records["1.1"].timestamp == "2026-02-16 11:00:00"  # the later line wins
    assert snap.records["1.2"].error == "ImportError: No module named 'pydantic_settings'"
    assert snap.records["1.3"].status is TaskStatus.SKIPPED
    assert (snap.records["1.4"].name, snap.records["1.4"].error) == (
        "Parser",
        "verify command failed",
    )
    rendered = render_state(snap)
    assert rendered.startswith("# STATE\n\n## Current Context\n")
    assert rendered.count("1.1: Initialize project") == 1
    # The seed nested sections under "## STATE.md"; they come back at level 2.
    assert "\n## Decisions Log\n* **2026-02-16:** Using Python 3.11+" in rendered


def test_garbage_never_raises() -> None:
    for text in ["", "\x00\x01\x02", "## \n[✓]\n- [✓] :", "```\n## Task Progress\n- [✓] 1.1: a"]:
        render_state(parse_state(text))
    snap = parse_state("random notes\n- [✓] 9.9: stray task\nmore notes")
    assert snap.records["9.9"].name == "stray task"
    assert snap.preamble == "random notes\nmore notes"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("# -*[]✓✗⊘x:|()`\n12.aZ Error")), max_size=300))
def test_any_text_parses_and_renders_stably(text: str) -> None:
    once = render_state(parse_state(text))
    assert render_state(parse_state(once)) == once


def test_unclosed_fence_cannot_hide_our_sections() -> None:
    text = "# STATE\n\n## Notes\n```\nunclosed\n## Task Progress\n- [✓] 1.1: a (2026-01-01 00:00)\n"
    assert "1.1" in parse_state(text).records


def test_initial_state_text() -> None:
    text = initial_state_text("weather-app")
    snap = parse_state(text)
    assert snap.records == {}
    assert "weather-app" in snap.preamble
    assert [heading for heading, _ in snap.other_sections] == [
        "## Decisions Log",
        "## Known Blockers",
    ]
    assert "## Current Context\n" in text and "## Task Progress\n" in text
    assert render_state(snap) == text


def test_record_creates_file_and_never_duplicates(store: StateStore) -> None:
    for attempt in range(30):
        status = TaskStatus.PASSED if attempt % 2 else TaskStatus.FAILED
        store.record("1.2", f"Create models {attempt}", status, error=f"try {attempt}")
    text = store.path.read_text(encoding="utf-8")
    assert text.count("1.2:") == 1
    record = store.snapshot().records["1.2"]
    assert (record.name, record.status, record.error) == (
        "Create models 29",
        TaskStatus.PASSED,
        "try 29",
    )
    assert record.timestamp == "2026-11-25 10:30:00"


def test_records_sorted_numerically(store: StateStore) -> None:
    for task_id in ["1.10", "2.1", "1.2", "1.1", "10.1", "1.9"]:
        store.record(task_id, f"task {task_id}", TaskStatus.PASSED)
    lines = [line for line in store.path.read_text(encoding="utf-8").splitlines() if "[✓]" in line]
    assert [line.split()[2].rstrip(":") for line in lines] == [
        "1.1",
        "1.2",
        "1.9",
        "1.10",
        "2.1",
        "10.1",
    ]


def test_error_is_one_line_and_detail_is_capped(store: StateStore) -> None:
    output = [f"line {n}" for n in range(50)]
    store.record(
        "1.1",
        "multi\nline name",
        TaskStatus.FAILED,
        error="test_failure:\n  2 failed,\n1 passed",
        detail=["", *output, "   "],
    )
    record = store.snapshot().records["1.1"]
    assert record.name == "multi line name"
    assert record.error == "test_failure: 2 failed, 1 passed"
    assert record.detail == output[-MAX_DETAIL_LINES:]
    text = store.path.read_text(encoding="utf-8")
    assert "  Error: test_failure: 2 failed, 1 passed\n    | line 30\n" in text


def test_skipped_record_uses_reason(store: StateStore) -> None:
    store.record("1.3", "Write docs", TaskStatus.SKIPPED, error="dependency 1.2 failed")
    assert "- [⊘] 1.3: Write docs (2026-11-25 10:01:00)\n  Reason: dependency 1.2 failed\n" in (
        store.path.read_text(encoding="utf-8")
    )


def test_invalid_task_id_is_refused(store: StateStore) -> None:
    for bad in ["", "1 2", "1:2"]:
        with pytest.raises(ValueError):
            store.record(bad, "x", TaskStatus.PASSED)


def test_user_edits_between_records_are_preserved(store: StateStore) -> None:
    store.path.write_text(initial_state_text("demo"), encoding="utf-8")
    store.record("1.1", "First", TaskStatus.PASSED)
    text = store.path.read_text(encoding="utf-8")
    text = text.replace(
        "## Known Blockers\n- _None._",
        "## Known Blockers\n- Waiting for API access\n\n## My Notes\nremember the milk",
    )
    store.path.write_text(text, encoding="utf-8")
    store.record("1.2", "Second", TaskStatus.FAILED, error="x")
    snap = store.snapshot()
    assert set(snap.records) == {"1.1", "1.2"}
    assert snap.other_sections == [
        ("## Decisions Log", "- _Record decisions and their reasons here._"),
        ("## Known Blockers", "- Waiting for API access"),
        ("## My Notes", "remember the milk"),
    ]


def test_clear_and_set_context(store: StateStore) -> None:
    for task_id in ["1.1", "1.2", "1.3"]:
        store.record(task_id, "t", TaskStatus.PASSED)
    store.clear(["1.2", "9.9"])
    assert set(store.snapshot().records) == {"1.1", "1.3"}
    store.set_context(active_phase="Phase 1: Setup", current_task="1.3: t")
    store.set_context(last_run="abc (2026-11-25 10:00:00, passed)")
    snap = store.snapshot()
    assert (snap.active_phase, snap.current_task, snap.last_run) == (
        "Phase 1: Setup",
        "1.3: t",
        "abc (2026-11-25 10:00:00, passed)",
    )
    store.clear()
    assert store.snapshot().records == {}
    assert store.snapshot().active_phase == "Phase 1: Setup"


def test_concurrent_records_from_eight_threads(tmp_path: Path) -> None:
    path = tmp_path / "STATE.md"
    path.write_text(initial_state_text("demo"), encoding="utf-8")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(phase: int) -> None:
        store = StateStore(path)  # separate stores on one file must still serialise
        try:
            barrier.wait()
            for task in range(1, 11):
                store.record(f"{phase}.{task}", f"task {phase}.{task}", TaskStatus.PASSED)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    snap = parse_state(path.read_text(encoding="utf-8"))
    assert set(snap.records) == {f"{p}.{t}" for p in range(1, 9) for t in range(1, 11)}
    assert len(snap.other_sections) == 2


def test_write_is_atomic(store: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.record("1.1", "First", TaskStatus.PASSED)
    before = store.path.read_text(encoding="utf-8")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk gone mid-write")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        store.record("1.2", "Second", TaskStatus.FAILED, error="boom")
    monkeypatch.undo()
    assert store.path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["STATE.md"]
    store.record("1.2", "Second", TaskStatus.FAILED, error="boom")
    assert set(store.snapshot().records) == {"1.1", "1.2"}
