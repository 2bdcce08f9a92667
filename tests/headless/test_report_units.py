"""The report renderers and text helpers, in process (fast, exhaustive on escaping)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from sago_tui.reports import ReportOptions, write_reports
from sago_tui.reports.github import annotation_lines, command, escape_data, escape_property
from sago_tui.reports.junit import render_junit
from sago_tui.reports.markdown import cell, fenced, inline, render_markdown
from sago_tui.reports.model import RunReport, TaskReport
from sago_tui.reports.text import clean, flat, fold
from tests.headless.junit_rules import check_junit


def report(exit_code: int = 1, tasks: list[TaskReport] | None = None) -> RunReport:
    return RunReport(
        run_id="20250101-000000-abcd", command="run", project="/work/repo/app", model="gpt-4o",
        exit_code=exit_code, reason="failed: 1.1" if exit_code == 1 else "PLAN.md: bad",
        started_at="2025-01-01T00:00:00+00:00", finished_at="2025-01-01T00:00:05+00:00",
        duration_s=5.0, tokens=10, cost_usd=0.01, max_cost_usd=None, trace="", hostname="ci",
        tasks=tasks if tasks is not None else [],
    )  # fmt: skip


def failed_task(output: str = "boom") -> TaskReport:
    return TaskReport(
        id="1.1", name="Make | it <work>", phase="Phase 1", status="failed",
        reason="import: No module named 'x'", files=["src/a.py", "src/b.py"],
        verify="python -c 'import x'", output_tail=output,
    )  # fmt: skip


def test_github_escaping_follows_the_runner_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a: b, c%\n") == "a%3A b%2C c%25%0A"
    assert command("error", "m", file="", title="t") == "::error title=t::m"
    assert command("error", "a::b") == "::error::a::b"


def test_annotations_name_the_first_file_relative_to_the_workspace() -> None:
    (line,) = annotation_lines(report(tasks=[failed_task("l1\nl2")]), Path("/work/repo"))
    assert line.startswith("::error file=app/src/a.py,title=sago-tui%3A task 1.1 failed%3A ")
    assert line.endswith("%0Al1%0Al2") and "\n" not in line
    (outside,) = annotation_lines(report(tasks=[failed_task()]), Path("/elsewhere"))
    assert "file=src/a.py," in outside


def test_a_run_error_is_annotated_without_a_file() -> None:
    (line,) = annotation_lines(report(exit_code=2), None)
    assert line == "::error title=sago-tui run%3A exit 2 (bad_input)::PLAN.md: bad"
    assert annotation_lines(report(exit_code=0), None) == []


def test_clean_removes_escapes_progress_and_controls() -> None:
    assert clean("\x1b[1;31mred\x1b[0m \x1b]0;title\x07ok") == "red ok"
    assert clean("10%\r50%\r100%\ndone\r\n") == "100%\ndone\n"
    assert clean("a\x00b\x07c\x1bd\tz") == "abcd    z"
    assert flat("  many\n lines\there ") == "many lines here"


def test_fold_keeps_code_spans_whole_and_caps_lines() -> None:
    text = "approve it with `sago-tui plan --approve` " + "word " * 30
    lines = fold(text, 40, "", "  ")
    assert any("`sago-tui plan --approve`" in line for line in lines)
    assert all(len(line) <= 40 for line in lines)
    capped = fold("x" * 500, 40, "> ", "  ", max_lines=2)
    assert len(capped) == 2 and capped[-1].endswith("…")


def test_junit_of_a_run_without_tasks_is_valid_and_shows_the_error(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(render_junit(report(exit_code=2)))
    root = check_junit(path)
    (case,) = root.iter("testcase")
    error = case.find("error")
    assert error is not None and error.attrib["type"] == "bad_input"


def test_junit_drops_characters_xml_cannot_carry(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(render_junit(report(tasks=[failed_task("bell\x07 esc\x1b[0m nul\x00 ok")])))
    root = check_junit(path)
    failure = next(root.iter("failure"))
    assert failure.text == "bell esc nul ok"
    assert failure.attrib["message"] == "import: No module named 'x'"
    assert ET.tostring(root)  # round-trips


def test_markdown_escaping() -> None:
    assert cell("a | b <i>") == "a \\| b &lt;i&gt;"
    assert inline("$1 and $2 *bold* _it_") == "\\$1 and \\$2 \\*bold\\* \\_it\\_"
    assert fenced("x ```` y").startswith("`````text\n")
    text = render_markdown(report(tasks=[failed_task("```inner```")]))
    assert "| ❌ | 1.1 | Make \\| it &lt;work&gt; |" in text
    assert "<details><summary>❌ 1.1 Make | it &lt;work&gt;: import" in text
    assert "````text\n$ python -c 'import x'\n```inner```\n````" in text


def test_markdown_names_the_requirements_not_done() -> None:
    summary = report(tasks=[failed_task("x")])
    summary.requirements = [{"id": "REQ-1", "done": True}, {"id": "REQ-2", "done": False}]
    assert "**Requirements:** 1/2 done · not done: REQ-2" in render_markdown(summary)
    assert "Requirements" not in render_markdown(report(tasks=[failed_task("x")]))


def test_write_reports_never_raises_and_reports_what_failed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    options = ReportOptions(
        junit=blocker / "j.xml", json=tmp_path / "r.json", step_summary=tmp_path / "s.md",
        annotations=True,
    )  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    written = write_reports(report(tasks=[failed_task()]), options, out=out, err=err)
    assert written == [tmp_path / "r.json", tmp_path / "s.md"]
    assert "could not write the JUnit report" in err.getvalue()
    assert out.getvalue().startswith("::error file=")
    assert json.loads((tmp_path / "r.json").read_text())["tasks"][0]["status"] == "failed"


def test_report_options_from_the_github_environment() -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/tmp/s", "GITHUB_WORKSPACE": "/w"}
    options = ReportOptions.from_environment("j.xml", None, env)
    assert options == ReportOptions(Path("j.xml"), None, Path("/tmp/s"), True, Path("/w"))
    assert not ReportOptions.from_environment(None, None, {"GITHUB_ACTIONS": "false"}).wanted
