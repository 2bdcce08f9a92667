"""``h``: the run on screen (live or replayed) exported as one HTML page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sago_tui.commands.trace_cmd import sample_records
from sago_tui.core.project import Project
from sago_tui.core.trace import read_trace
from sago_tui.tui.screens.text_prompt_screen import TextPromptScreen
from tests.tui.helpers import DATA, SIZE, loaded, make_app, make_replay, replayed, wait_for


def embedded(page: Path) -> list[dict[str, Any]]:
    """The records inside an exported page (and a check that it is a whole page)."""
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    raw = text.split('id="trace-data">', 1)[1].split("</script>", 1)[0]
    return list(json.loads(raw)["records"])


async def test_live_app_exports_the_latest_trace(planned_project: Project) -> None:
    planned_project.planning_dir.mkdir(exist_ok=True)
    shutil.copy(DATA / "demo_run.jsonl", planned_project.latest_trace_path)
    out = planned_project.planning_dir / "trace.html"
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.check_action("export_html", ())
        await pilot.press("h")
        await wait_for(pilot, out.is_file, "the export")
        await wait_for(pilot, lambda: app.status_line.level == "success", "the report")
        assert str(out) in str(app.status_line.render())
    assert embedded(out) == list(read_trace(DATA / "demo_run.jsonl"))


async def test_no_trace_no_export(hello_project: Project) -> None:
    app = make_app(hello_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert not app.check_action("export_html", ())


async def test_replay_of_a_project_run_writes_planning_trace_html(tmp_path: Path) -> None:
    project = Project.at(tmp_path)
    records = list(read_trace(DATA / "demo_run_failed.jsonl"))
    app = make_replay(records, project=project, trace_path=DATA / "demo_run_failed.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await replayed(pilot)
        await pilot.press("h")
        out = project.planning_dir / "trace.html"
        await wait_for(pilot, out.is_file, "the export")
    assert embedded(out) == records


async def test_replay_without_a_project_asks_for_the_path(tmp_path: Path) -> None:
    records = sample_records()
    app = make_replay(records)
    async with app.run_test(size=SIZE) as pilot:
        await replayed(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), "the prompt")
        field = app.screen.query_one("#prompt-text")
        field.value = str(tmp_path)  # type: ignore[attr-defined]  # a directory: trace.html in it
        await pilot.press("enter")
        out = tmp_path / "trace.html"
        await wait_for(pilot, out.is_file, "the export")
        await wait_for(pilot, lambda: app.status_line.level == "success", "the report")
    assert embedded(out) == records
