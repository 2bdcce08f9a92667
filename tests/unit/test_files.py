"""Writing a task's files: refusals, events, diffs, snapshot and restore."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from sago_tui.core.events import Event, FileRefused, FileWritten
from sago_tui.core.fileblocks import FileBlock, parse_file_blocks
from sago_tui.core.files import (
    FileWriteError,
    write_task_files,
)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _write(
    root: Path, blocks: list[FileBlock], declared: list[str]
) -> tuple[list[str], list[tuple[str, str]], list[Event]]:
    events: list[Event] = []
    report = write_task_files(root, blocks, declared, events.append, task_id="1.1")
    return report.written, report.refused, events


def test_writes_new_file_with_created_event(tmp_path: Path) -> None:
    blocks = [FileBlock("./src/app.py", "print('hi')\n", 1)]
    written, refused, events = _write(tmp_path, blocks, ["src/app.py"])
    assert (written, refused) == (["src/app.py"], [])
    assert (tmp_path / "src" / "app.py").read_text() == "print('hi')\n"
    (event,) = events
    assert isinstance(event, FileWritten)
    assert (event.task_id, event.path, event.created, event.agent) == (
        "1.1",
        "src/app.py",
        True,
        "ExecutorAgent",
    )
    assert event.size_bytes == len(b"print('hi')\n")
    assert event.content_preview == "print('hi')\n"
    assert "--- /dev/null" in event.diff and "+print('hi')" in event.diff


def test_overwrite_reports_unified_diff(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    _, _, events = _write(tmp_path, [FileBlock("a.py", "x = 1\ny = 3\n", 1)], ["a.py"])
    (event,) = events
    assert isinstance(event, FileWritten)
    assert not event.created
    assert "--- a/a.py" in event.diff and "+++ b/a.py" in event.diff
    assert "-y = 2\n" in event.diff and "+y = 3\n" in event.diff
    assert (tmp_path / "a.py").read_text() == "x = 1\ny = 3\n"


def test_unchanged_content_counts_as_written_with_empty_diff(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("same\n")
    written, _, events = _write(tmp_path, [FileBlock("a.py", "same\n", 1)], ["a.py"])
    assert written == ["a.py"]
    assert isinstance(events[0], FileWritten) and events[0].diff == ""


def test_binary_previous_content_is_handled(tmp_path: Path) -> None:
    (tmp_path / "blob").write_bytes(b"\x00\xff\xfe binary")
    _, _, events = _write(tmp_path, [FileBlock("blob", "text now\n", 1)], ["blob"])
    assert isinstance(events[0], FileWritten) and "binary" in events[0].diff
    assert (tmp_path / "blob").read_text() == "text now\n"


def test_last_duplicate_wins(tmp_path: Path) -> None:
    blocks = [FileBlock("a.txt", "one\n", 1), FileBlock("./a.txt", "two\n", 5)]
    written, _, events = _write(tmp_path, blocks, ["a.txt"])
    assert written == ["a.txt"] and len(events) == 1
    assert (tmp_path / "a.txt").read_text() == "two\n"


def test_hostile_answer_writes_nothing_outside(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "PLAN.md").write_text("plan\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "link.txt").symlink_to(tmp_path / "victim.txt")
    hostile = [
        "../x",
        "/etc/passwd_sago_test",
        "~/.bashrc",
        ".git/hooks/pre-commit",
        "sub/.git/config",
        "PLAN.md",
        "STATE.md",
        ".planning/cache/x",
        "escape/owned.py",
        "link.txt",
        "bad\x00name",
    ]
    answer = "".join(f"=== FILE: {p} ===\n```\npwned\n```\n" for p in [*hostile, "ok.py"])
    blocks = parse_file_blocks(answer)
    before = _tree(tmp_path)
    written, refused, events = _write(root, blocks, [*hostile, "ok.py"])
    assert written == ["ok.py"]
    assert len(refused) == len(hostile)
    assert all(reason for _, reason in refused)
    refusals = [e for e in events if isinstance(e, FileRefused)]
    assert [(e.path, e.reason) for e in refusals] == refused
    assert all(e.task_id == "1.1" for e in refusals)
    after = _tree(tmp_path)
    assert after.pop("proj/ok.py") == b"pwned\n"
    assert after == before
    assert not (tmp_path / "victim.txt").exists()
    assert not Path("/etc/passwd_sago_test").exists()


def test_undeclared_file_refused_and_reported(tmp_path: Path) -> None:
    blocks = [FileBlock("a.py", "a\n", 1), FileBlock("b.py", "b\n", 5)]
    written, refused, events = _write(tmp_path, blocks, ["a.py"])
    assert written == ["a.py"]
    assert refused == [("b.py", "not among the task's declared files")]
    assert not (tmp_path / "b.py").exists()
    assert [type(e) for e in events] == [FileWritten, FileRefused]


def test_write_failure_raises_file_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("sago_tui.core.files.atomic_write_text", disk_full)
    with pytest.raises(FileWriteError, match=r"could not write a\.py: No space left on device"):
        _write(tmp_path, [FileBlock("a.py", "x\n", 1)], ["a.py"])
