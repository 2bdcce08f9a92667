"""Syntax colour, side-by-side diffs and "open in $EDITOR" in the event detail and Feed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.content import Content
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static, TextArea

from sago_tui.core.events import FileWritten, LLMCalled
from sago_tui.core.project import Project
from sago_tui.tui.diff_render import pairs, parse_diff, side_by_side, unified
from sago_tui.tui.editor_launch import editor_command, project_file
from sago_tui.tui.highlight import answer, code
from sago_tui.tui.messages import EventChosen
from sago_tui.tui.screens.event_detail_screen import EventDetailScreen
from sago_tui.tui.widgets.diff_view import DiffView
from tests.tui.helpers import SIZE, feed, loaded, make_app, recorded, wait_for

DIFF = """--- a/app.py
+++ b/app.py
@@ -1,3 +1,3 @@
 import re
-def words(text):
+def words(text: str) -> list[str]:
     return text.split()
"""


def styled_text(content: Content) -> set[str]:
    """The pieces of ``content`` that carry a style."""
    return {content.plain[span.start : span.end] for span in content.spans}


def test_code_is_coloured_by_file_name() -> None:
    coloured = code("def main():\n    return 'hi'\n", "src/app.py")
    assert {"def", "return", "hi"} <= styled_text(coloured)
    assert not code("just prose, no file", None).spans  # nothing to guess a language from


def test_answers_colour_their_fenced_code() -> None:
    text = "Fixed the split.\n=== FILE: a.py ===\n```python\nimport re\n```\n"
    content = answer(text)
    assert content.plain == text
    styled = styled_text(content)
    assert "=== FILE: a.py ===" in styled and "import" in styled
    assert "Fixed the split." not in styled


def test_diff_views_keep_line_numbers_and_sides() -> None:
    parsed = parse_diff(DIFF, "app.py")
    assert [row.kind for row in parsed.rows] == [
        "head", "head", "hunk", "context", "removed", "added", "context",
    ]  # fmt: skip
    layout = pairs(parsed)
    removed, added = layout[2]  # type: ignore[misc]
    assert removed.text == "-def words(text):" and added.text.startswith("+def words(text: str)")
    lines = side_by_side(parsed, 100).plain.splitlines()
    changed = next(line for line in lines if "words" in line)
    left, right = changed.split(" │ ")
    assert left.strip() == "2 def words(text):" and "list[str]" in right
    assert all(len(line) <= 100 for line in lines)
    assert "def" in styled_text(unified(parsed))  # the code keeps its syntax colour
    plain = unified(parse_diff(DIFF, colour=False), colour=False)
    assert plain.plain == DIFF.rstrip("\n")


def test_new_files_and_missing_newlines() -> None:
    created = (
        "--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n"
        "\\ No newline at end of file\n"
    )
    parsed = parse_diff(created, "new.py")
    assert [row.kind for row in parsed.rows][-1] == "note"
    lines = side_by_side(parsed, 60).plain.splitlines()
    assert lines[1].split(" │ ")[0].strip() == "" and lines[1].split(" │ ")[1].strip() == "1 a = 1"
    assert lines[-1].startswith("\\ No newline")


def test_editor_command_and_project_files(tmp_path: Path) -> None:
    assert editor_command({"EDITOR": "code --wait"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": "nvim", "EDITOR": "vi"}) == ["nvim"]
    assert editor_command({}) == []
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("")
    assert project_file(tmp_path, "src/a.py") == (tmp_path / "src" / "a.py").resolve()
    for refused in ("../outside.py", ".git/config", "src/missing.py", "/etc/passwd"):
        assert project_file(tmp_path, refused) is None, refused


async def test_spec_editor_highlights_markdown(planned_project: Project) -> None:
    app = make_app(planned_project, syntax_highlight=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        editor = app.spec_editor.editors[0]
        assert editor.language == "markdown" and editor.is_syntax_aware
        assert isinstance(editor, TextArea)


async def test_detail_colours_a_diff_and_shows_it_side_by_side(planned_project: Project) -> None:
    events = recorded("demo_run.jsonl")
    fix = next(e for e in events if isinstance(e, FileWritten) and e.agent == "SelfHealingAgent")
    call = next(e for e in events if isinstance(e, LLMCalled) and e.purpose == "task")
    app = make_app(planned_project, syntax_highlight=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.post_message(EventChosen(call))
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        prompt, response = app.screen.query(".detail-text").results(Static)
        assert "import" in styled_text(response.visual)  # type: ignore[arg-type]
        assert styled_text(prompt.visual)  # type: ignore[arg-type]  # its files are coloured
        await pilot.press("escape")
        app.post_message(EventChosen(fix))
        await wait_for(pilot, lambda: bool(app.screen.query(DiffView)), "the diff")
        view = app.screen.query_one(DiffView)
        assert not view.side_by_side and "+" in view.render().plain
        assert "side by side" in str(app.screen.query_one(".dialog").border_subtitle)
        await pilot.press("v")
        assert view.side_by_side
        await pilot.pause()
        shown = view.render().plain.splitlines()
        assert any(" │ " in line for line in shown)
        assert all(len(line) <= view.content_region.width for line in shown)
        await pilot.press("v")
        assert not view.side_by_side


def log_lines(path: Path) -> list[str]:
    """What the fake editor recorded so far."""
    return path.read_text().splitlines() if path.is_file() else []


def fake_editor(tmp_path: Path) -> tuple[Path, Path]:
    """A script that records the file it was asked to open."""
    log = tmp_path / "editor.log"
    script = tmp_path / "fake-editor"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


async def test_open_a_written_file_in_the_editor(
    planned_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log_file = fake_editor(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{script} --wait")
    suspended: list[str] = []
    # The headless test driver owns no terminal: let it "suspend" and note that it did.
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    monkeypatch.setattr(HeadlessDriver, "suspend_application_mode",
                        lambda self: suspended.append("suspend"))  # fmt: skip
    monkeypatch.setattr(HeadlessDriver, "resume_application_mode",
                        lambda self: suspended.append("resume"))  # fmt: skip
    target = planned_project.root / "textstats" / "frequency.py"
    target.parent.mkdir(exist_ok=True)
    target.write_text("x = 1\n")
    events = recorded("demo_run.jsonl")
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        feed(app, events)
        # From the Feed: the cursor on the fix's write, then o.
        await pilot.press("3")
        app.feed.focus()
        await pilot.pause()
        card = app.feed.cards["2.1"]
        wanted = "textstats/frequency.py"
        row = next(i for i, (_, e) in enumerate(card.lines)
                   if isinstance(e, FileWritten) and e.path == wanted)  # fmt: skip
        app.feed.cursor = app.feed.start_of("2.1") + 1 + row
        await pilot.press("o")
        await wait_for(pilot, lambda: log_file.is_file(), "the editor to run")
        assert log_lines(log_file) == ["--wait", str(target.resolve())]
        assert suspended == ["suspend", "resume"]
        assert "Back from" in str(app.status_line.render())
        # From the Log: the same write under the cursor, then o.
        await pilot.press("4")
        log = app.log_pane.event_log
        log.focus()
        await pilot.pause()
        log.cursor = next(i for i, e in enumerate(events)
                          if isinstance(e, FileWritten) and e.path == wanted)  # fmt: skip
        await pilot.press("o")
        await wait_for(pilot, lambda: len(log_lines(log_file)) == 4, "the editor from the Log")
        assert log_lines(log_file)[2:] == ["--wait", str(target.resolve())]
        # A file that is not in the project is refused without starting the editor.
        write = next(e for e in events if isinstance(e, FileWritten))
        app.post_message(EventChosen(FileWritten(path="../outside.py", agent=write.agent)))
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), "the detail")
        await pilot.press("o")
        await pilot.pause()
        assert "not a file in the project" in str(app.status_line.render())
        assert len(log_lines(log_file)) == 4 and os.path.exists(target)
