"""SEARCH/REPLACE edits: parsing answers, applying to files, and writing through the applier."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.answer_apply import apply_answer, describe_failures
from sago_tui.core.edits import EditBlock, EditFailed, Replacement, apply_edit, split_answer
from sago_tui.core.events import Event, FileRefused, FileWritten
from sago_tui.core.fileblocks import parse_file_blocks

ORIGINAL = "import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n"


def edit(path: str, *pairs: tuple[str, str], fence: str = "") -> str:
    body = "".join(
        f"<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n" for search, replace in pairs
    )
    if fence:
        body = f"{fence}python\n{body}{fence}\n"
    return f"=== EDIT: {path} ===\n{body}"


def block(*pairs: tuple[str, str], path: str = "m.py") -> EditBlock:
    return EditBlock(path, tuple(Replacement(s, r) for s, r in pairs), 1)


def test_exact_match_replaces_only_the_matched_lines() -> None:
    result = apply_edit(ORIGINAL, block(("def b():\n    return 2\n", "def b():\n    return 3\n")))
    assert result == ORIGINAL.replace("return 2", "return 3")


def test_adding_a_function_after_an_anchor() -> None:
    new = "def b():\n    return 2\n\n\ndef c():\n    return 3\n"
    result = apply_edit(ORIGINAL, block(("def b():\n    return 2\n", new)))
    assert result.endswith("def c():\n    return 3\n")
    assert result.count("def b()") == 1


def test_trailing_whitespace_is_tolerated_but_nothing_else() -> None:
    original = "x = 1   \ny = 2\t\n"
    assert apply_edit(original, block(("x = 1\ny = 2\n", "x = 10\ny = 2\n"))) == "x = 10\ny = 2\n"
    with pytest.raises(EditFailed, match="not found"):
        apply_edit(original, block(("  x = 1\n", "x = 3\n")))  # leading space differs


def test_ambiguous_and_missing_matches_are_refused_naming_the_block() -> None:
    original = "pass\nx = 1\npass\n"
    with pytest.raises(EditFailed) as ambiguous:
        apply_edit(original, block(("x = 1\n", "x = 2\n"), ("pass\n", "return\n")))
    assert ambiguous.value.block == 2
    assert "SEARCH block 2 of the EDIT for m.py" in ambiguous.value.message
    assert "matches 2 places (lines 1, 3)" in ambiguous.value.message
    with pytest.raises(EditFailed, match=r"SEARCH block 1 .* not found"):
        apply_edit(original, block(("y = 1\n", "y = 2\n")))
    with pytest.raises(EditFailed, match="SEARCH part is empty"):
        apply_edit(original, block(("", "z = 1\n")))


def test_several_blocks_apply_in_order_each_on_the_result_of_the_last() -> None:
    result = apply_edit(
        ORIGINAL,
        block(("    return 1\n", "    return 10\n"), ("    return 10\n", "    return 100\n")),
    )
    assert "return 100" in result and "return 2" in result


def test_crlf_files_keep_crlf_and_a_missing_final_newline_stays_missing() -> None:
    crlf = "a = 1\r\nb = 2\r\nc = 3\r\n"
    assert apply_edit(crlf, block(("b = 2\n", "b = 20\n"))) == "a = 1\r\nb = 20\r\nc = 3\r\n"
    bare = "a = 1\nb = 2"
    assert apply_edit(bare, block(("b = 2\n", "b = 3\n"))) == "a = 1\nb = 3"
    assert apply_edit(bare, block(("a = 1\n", "a = 0\n"))) == "a = 0\nb = 2"


def test_split_answer_reads_plain_fenced_and_several_sections_and_leaves_files() -> None:
    answer = (
        "Here you go.\n\n"
        + edit("a.py", ("x = 1\n", "x = 2\n"))
        + "\n=== FILE: new.py ===\n```python\nprint('new')\n```\n\n"
        + edit("b.py", ("y = 1\n", "y = 2\n"), ("z = 1\n", "z = 2\n"), fence="```")
    )
    rest, edits = split_answer(answer)
    assert [(e.path, len(e.replacements), e.error) for e in edits] == [
        ("a.py", 1, ""),
        ("b.py", 2, ""),
    ]
    assert edits[1].replacements[1] == Replacement("z = 1\n", "z = 2\n")
    assert [(b.path, b.content) for b in parse_file_blocks(rest)] == [("new.py", "print('new')\n")]


def test_an_edit_header_inside_a_long_fenced_file_is_content() -> None:
    doc = "Edits look like:\n=== EDIT: x.py ===\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    answer = f"=== FILE: README.md ===\n````markdown\n{doc}````\n"
    rest, edits = split_answer(answer)
    assert edits == []
    assert parse_file_blocks(rest)[0].content == doc


def test_malformed_sections_fail_with_a_reason() -> None:
    _, edits = split_answer("=== EDIT: a.py ===\n<<<<<<< SEARCH\nx = 1\n")
    with pytest.raises(EditFailed, match="not closed"):
        apply_edit("x = 1\n", edits[0])
    _, edits = split_answer("=== EDIT: a.py ===\nno blocks here\n")
    with pytest.raises(EditFailed, match="no <<<<<<< SEARCH"):
        apply_edit("x = 1\n", edits[0])


def test_apply_answer_writes_edits_atomically_with_events_and_keeps_failed_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(ORIGINAL)
    (tmp_path / "n.py").write_text("n = 1\n")
    events: list[Event] = []
    answer = (
        edit("m.py", ("def b():\n    return 2\n", "def b():\n    return 3\n"))
        + edit("n.py", ("missing\n", "x\n"))
        + edit("../escape.py", ("a\n", "b\n"))
    )
    applied = apply_answer(
        tmp_path, answer, ["m.py", "n.py", "../escape.py"], events.append, task_id="1.1"
    )
    assert applied.report.written == ["m.py"]
    assert (tmp_path / "m.py").read_text() == ORIGINAL.replace("return 2", "return 3")
    assert (tmp_path / "n.py").read_text() == "n = 1\n"  # a failed edit is not written
    assert applied.failed_paths == ["n.py"]
    writes = [e for e in events if isinstance(e, FileWritten)]
    assert len(writes) == 1 and "-    return 2\n+    return 3" in writes[0].diff
    assert not writes[0].created and writes[0].task_id == "1.1"
    assert any(isinstance(e, FileRefused) for e in events)
    assert not (tmp_path.parent / "escape.py").exists()
    text = describe_failures(applied.failed, {"n.py": "n = 1\n"})
    assert "SEARCH block 1 of the EDIT for n.py" in text and "n = 1" in text


def test_an_edit_of_a_file_that_does_not_exist_fails(tmp_path: Path) -> None:
    applied = apply_answer(
        tmp_path, edit("new.py", ("a\n", "b\n")), ["new.py"], lambda e: None, task_id="1.1"
    )
    assert applied.report.written == [] and "does not exist" in applied.failed[0].message
