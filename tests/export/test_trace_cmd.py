"""``sago-tui trace``: the paths that need no TUI (list, HTML export, errors, demo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sago_tui.cli import main
from sago_tui.commands.trace_cmd import export_latest_html, sample_records
from sago_tui.core.project import Project
from tests.export.factory import run_records

RUNS = ("20261124-090000-aaaa", "20261125-100000-bbbb")


def write_trace(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with two recorded runs; the latest also at .planning/trace.jsonl."""
    for n, run_id in enumerate(RUNS, start=1):
        records = run_records(n)
        records[0]["data"]["run_id"] = run_id
        write_trace(tmp_path / ".planning" / "traces" / f"{run_id}.jsonl", records)
    write_trace(tmp_path / ".planning" / "trace.jsonl", records)
    return tmp_path


def embedded_records(page: Path) -> list[dict[str, Any]]:
    text = page.read_text(encoding="utf-8")
    raw = text.split('id="trace-data">', 1)[1].split("</script>", 1)[0]
    return list(json.loads(raw)["records"])


def test_list_shows_every_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--path", str(project), "--list"]) == 0
    out = capsys.readouterr().out
    assert RUNS[0] in out and RUNS[1] in out
    assert out.index(RUNS[1]) < out.index(RUNS[0])  # newest first
    assert "passed" in out and "$0.0020" in out


def test_html_exports_the_latest_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out" / "run.html"
    out.parent.mkdir()  # a missing folder is refused (test_trace_html_path.py)
    assert main(["trace", "--path", str(project), "--html", str(out)]) == 0
    assert "run.html" in capsys.readouterr().out
    records = embedded_records(out)
    assert records[0]["data"]["run_id"] == RUNS[1]
    assert f"run {RUNS[1]}" in out.read_text(encoding="utf-8").split("</title>")[0]


def test_html_of_another_run_by_id_prefix(project: Path) -> None:
    out = project / "old.html"
    assert main(["trace", "--path", str(project), "--run", "20261124", "--html", str(out)]) == 0
    assert embedded_records(out)[0]["data"]["run_id"] == RUNS[0]


def test_html_into_a_directory(project: Path) -> None:
    assert main(["trace", "--path", str(project), "--html", str(project)]) == 0
    assert (project / "trace.html").is_file()


def test_unknown_run_lists_the_available_ones(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trace", "--path", str(project), "--run", "nope", "--html", "x.html"]) == 2
    err = capsys.readouterr().err
    assert "run 'nope' not found" in err and RUNS[0] in err and RUNS[1] in err
    assert len(err.strip().splitlines()) == 1


def test_missing_trace_is_one_line_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trace", "--path", str(tmp_path), "--html", "x.html"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no trace found" in err and "--demo" in err
    assert main(["trace", "--path", str(tmp_path), "--list"]) == 2
    assert "--demo" in capsys.readouterr().err


def test_empty_trace_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_trace(tmp_path / ".planning" / "trace.jsonl", [])
    (tmp_path / ".planning" / "trace.jsonl").write_text("\n", encoding="utf-8")
    assert main(["trace", "--path", str(tmp_path), "--html", "x.html"]) == 2
    assert "is empty" in capsys.readouterr().err


def test_missing_project_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--path", str(tmp_path / "nowhere"), "--list"]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_demo_exports_the_sample_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no project here: --demo needs none
    assert main(["trace", "--demo", "--html", "demo.html"]) == 0
    assert capsys.readouterr().out.strip() == "demo.html"
    records = embedded_records(tmp_path / "demo.html")
    assert records == sample_records()
    kinds = {r["event_type"] for r in records}
    assert {"cache_hit", "task_skip", "fix_attempt", "git_commit", "file_refused"} <= kinds


def test_sample_run_has_no_local_paths() -> None:
    text = json.dumps(sample_records())
    assert "/tmp/" not in text and "/work/" not in text and "/root/" not in text


def fake_replay(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace the real replay (which needs a terminal) and record what it was given."""
    from sago_tui.tui import replay_app as replay

    seen: dict[str, Any] = {}

    def run_replay(records: list[dict[str, Any]], title: str, **options: Any) -> int:
        seen.update(records=records, title=title, **options)
        return 0

    monkeypatch.setattr(replay, "run_replay", run_replay)
    return seen


def test_replay_gets_the_records_title_and_trace_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = fake_replay(monkeypatch)
    assert main(["trace", "--path", str(project), "--run", RUNS[0]]) == 0
    assert seen["records"][0]["data"]["run_id"] == RUNS[0]
    assert RUNS[0] in seen["title"]
    assert seen["trace_path"] == project.resolve() / ".planning" / "traces" / f"{RUNS[0]}.jsonl"
    assert seen["project"] == Project.at(project)
    assert seen["pace"] is False  # a real run opens whole, at once


def test_demo_replay_streams_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    seen = fake_replay(monkeypatch)
    assert main(["trace", "--demo"]) == 0
    assert seen["records"] == sample_records()
    assert seen["pace"] is True and seen["project"] is None and seen["trace_path"] is None


def test_replay_needs_a_terminal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--path", str(project)]) == 2  # pytest's stdin is no terminal
    err = capsys.readouterr().err
    assert "needs a terminal" in err and "--html" in err


def test_export_latest_html_after_a_run(project: Path) -> None:
    console = Console(record=True, width=200)
    trace = project / ".planning" / "traces" / f"{RUNS[0]}.jsonl"
    out = export_latest_html(Project.at(project), console, str(trace))
    assert out == project.resolve() / ".planning" / "trace.html"
    assert embedded_records(out)[0]["data"]["run_id"] == RUNS[0]
    assert "trace.html" in console.export_text()


def test_export_latest_html_with_no_events(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    out = export_latest_html(Project.at(tmp_path), console, str(tmp_path / "missing.jsonl"))
    assert not out.exists()
    assert "nothing to export" in console.export_text()
