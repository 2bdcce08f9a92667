"""``sago-tui trace``: list past runs, export one to HTML, or replay it in the app.

    sago-tui trace [--path P] [--run ID] [--list] [--demo] [--html FILE]

Without ``--html`` or ``--list`` the run opens read-only in the app's Feed and Log.
``--demo`` uses the sample run shipped with the package (no project, no key) and
streams it into the app over a few seconds, like a live run.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sago_tui.commands.common import relative, stdout_console
from sago_tui.core.errors import ExitCode, ProjectError, UsageError
from sago_tui.core.project import Project
from sago_tui.core.trace import RunSummary, list_runs, read_trace
from sago_tui.export import export_html
from sago_tui.export.files import HTML_NAME, run_title, write_html

_NO_TRACE_HINT = "run `sago-tui run` (or `execute`) first, or try `sago-tui trace --demo`"


def sample_records() -> list[dict[str, Any]]:
    """The sample run of ``--demo`` (see tools/make_sample_trace.py)."""
    sample = resources.files("sago_tui") / "templates" / "demo" / "sample-trace.jsonl"
    with resources.as_file(sample) as path:
        return list(read_trace(path))


def _show_ids(runs: list[RunSummary], limit: int = 8) -> str:
    ids = ", ".join(run.run_id for run in runs[:limit])
    return ids + (f" and {len(runs) - limit} more" if len(runs) > limit else "")


def find_trace(project: Project, run_id: str | None) -> Path:
    """The trace file of run ``run_id`` (a unique prefix is enough), or of the latest run."""
    runs = list_runs(project)
    if run_id:
        exact = [r for r in runs if r.run_id == run_id]
        matches = exact or [r for r in runs if r.run_id.startswith(run_id)]
        if len(matches) == 1:
            return matches[0].path
        if not runs:
            raise ProjectError(f"no run {run_id!r}: {project.root} has no traces; {_NO_TRACE_HINT}")
        what = "is ambiguous" if matches else "not found"
        raise ProjectError(f"run {run_id!r} {what}; available runs: {_show_ids(matches or runs)}")
    latest = project.latest_trace_path
    if latest.is_file() and latest.stat().st_size > 0:
        return latest
    if runs:
        return runs[0].path
    raise ProjectError(f"no trace found in {project.planning_dir}; {_NO_TRACE_HINT}")


def load_run(project: Project, run_id: str | None) -> tuple[list[dict[str, Any]], str, Path]:
    """The records of the chosen run, a title and its trace file; a clear error if empty."""
    path = find_trace(project, run_id)
    records = list(read_trace(path))
    if not records:
        raise ProjectError(f"the trace {relative(path)} is empty; {_NO_TRACE_HINT}")
    return records, run_title(records, project.name, fallback_id=path.stem), path


def print_runs(console: Console, project: Project) -> int:
    """``--list``: one row per past run, newest first."""
    runs = list_runs(project)
    if not runs:
        raise ProjectError(f"no runs recorded in {project.traces_dir}; {_NO_TRACE_HINT}")
    table = Table(title=f"Runs of {project.name}", title_justify="left")
    for column in ("Run", "Started", "Outcome"):
        table.add_column(column)
    for column in ("Tasks", "Tokens", "Cost"):
        table.add_column(column, justify="right")
    for run in runs:
        tasks = f"{run.passed}/{run.total_tasks}" if run.outcome != "interrupted" else "?"
        table.add_row(
            run.run_id,
            run.started.replace("T", " ")[:19],
            run.outcome,
            tasks,
            f"{run.total_tokens:,}",
            f"${run.cost_usd:.4f}",
        )
    console.print(table)
    return int(ExitCode.OK)


def open_replay(
    records: list[dict[str, Any]],
    title: str,
    *,
    project: Project | None = None,
    trace_path: Path | None = None,
    pace: bool = False,
) -> int:
    """Replay the run in the app's Feed and Log (read-only).

    ``trace_path`` lets the app read old Log rows back from disk; ``pace`` streams the
    events over a few seconds (the demo) instead of showing the whole run at once.
    """
    from sago_tui.tui.replay_app import run_replay  # Textual loads only for the app

    return int(run_replay(records, title, project=project, trace_path=trace_path, pace=pace))


def export_latest_html(project: Project, console: Console, trace_path: str) -> Path:
    """After ``run --trace``: write ``.planning/trace.html`` from the run's trace file."""
    source = Path(trace_path) if trace_path else project.latest_trace_path
    out = project.planning_dir / HTML_NAME
    records = list(read_trace(source)) if source.is_file() else []
    if not records:
        console.print(f"trace: nothing to export ({relative(source)} has no events)", markup=False)
        return out
    try:
        export_html(records, out, title=run_title(records, project.name, fallback_id=source.stem))
    except OSError as exc:  # the run itself is done: a failed export is only reported
        console.print(f"trace: could not write {out}: {exc}", markup=False)
        return out
    console.print(f"trace: {relative(out)} (open it in a browser)", markup=False, highlight=False)
    return out


def main(args: argparse.Namespace) -> int:
    """Dispatch ``sago-tui trace``; returns the exit code."""
    console = stdout_console()
    project: Project | None = None
    path: Path | None = None
    if args.demo:
        records, title = sample_records(), "sago-tui demo · textstats (sample run)"
    else:
        project = Project.at(args.path)
        if args.list:
            return print_runs(console, project)
        records, title, path = load_run(project, args.run)
    if args.html:
        target = Path(args.html)
        if not target.is_dir() and not target.parent.is_dir():
            # Like any output path: a typo in the folder must not create a new tree.
            raise UsageError(f"{target}: no such folder {target.parent}; create it first")
        out = write_html(records, target, title)
        console.print(relative(out), markup=False, highlight=False)
        return int(ExitCode.OK)
    return open_replay(records, title, project=project, trace_path=path, pace=args.demo)
