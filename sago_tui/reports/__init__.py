"""Machine-readable results of a headless run, for CI.

- ``--junit FILE``: JUnit XML (:mod:`~sago_tui.reports.junit`)
- ``--json FILE``: the ``sago-tui/run-report`` document (:mod:`~sago_tui.reports.json_report`)
- ``$GITHUB_STEP_SUMMARY``: a Markdown section appended (:mod:`~sago_tui.reports.markdown`)
- ``GITHUB_ACTIONS=true``: ``::error`` lines for failed tasks (:mod:`~sago_tui.reports.github`)

:func:`write_reports` writes whichever are enabled. It never raises: a report that
cannot be written is reported on stderr and the run keeps its own exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sago_tui.core.atomic import atomic_write_text
from sago_tui.reports.model import RunReport, TaskReport, build_report
from sago_tui.reports.recorder import RunRecorder

__all__ = [
    "ReportOptions",
    "RunRecorder",
    "RunReport",
    "TaskReport",
    "build_report",
    "write_reports",
]


@dataclass(frozen=True)
class ReportOptions:
    """Which reports to produce and where."""

    junit: Path | None = None
    json: Path | None = None
    step_summary: Path | None = None
    annotations: bool = False
    workspace: Path | None = None

    @classmethod
    def from_environment(
        cls,
        junit: str | None = None,
        json: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ReportOptions:
        """Flags plus the variables GitHub Actions sets for every step."""
        source = os.environ if env is None else env
        summary = source.get("GITHUB_STEP_SUMMARY", "").strip()
        workspace = source.get("GITHUB_WORKSPACE", "").strip()
        return cls(
            junit=Path(junit) if junit else None,
            json=Path(json) if json else None,
            step_summary=Path(summary) if summary else None,
            annotations=source.get("GITHUB_ACTIONS", "").strip().lower() == "true",
            workspace=Path(workspace) if workspace else None,
        )

    @property
    def wanted(self) -> bool:
        """True when any report is enabled."""
        return bool(self.junit or self.json or self.step_summary or self.annotations)


def _append(path: Path, text: str) -> None:
    # Appended, never replaced: earlier steps of the job wrote their own sections.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def write_reports(
    report: RunReport,
    options: ReportOptions,
    *,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> list[Path]:
    """Write every enabled report; returns the files written. Never raises."""
    # The renderers (XML, Markdown, …) load only when a report is wanted: most runs
    # write none, and every run imports this package.
    from sago_tui.reports.github import annotation_lines
    from sago_tui.reports.json_report import render_json
    from sago_tui.reports.junit import render_junit
    from sago_tui.reports.markdown import render_markdown, totals_line

    stdout = out or sys.stdout
    stderr = err or sys.stderr
    written: list[Path] = []
    jobs: list[tuple[str, Path | None, Callable[[Path], None]]] = [
        ("JUnit report", options.junit,
         lambda p: atomic_write_text(p, render_junit(report, totals_line(report)))),
        ("JSON report", options.json, lambda p: atomic_write_text(p, render_json(report))),
        ("step summary", options.step_summary, lambda p: _append(p, render_markdown(report))),
    ]  # fmt: skip
    for what, path, write in jobs:
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path)
            written.append(path)
        except Exception as exc:  # a report must never cost the run its exit code
            print(f"sago-tui: warning: could not write the {what} to {path}: {exc}", file=stderr)
    if options.annotations:
        try:
            for line in annotation_lines(report, options.workspace):
                print(line, file=stdout)
            stdout.flush()
        except Exception as exc:
            print(f"sago-tui: warning: could not print annotations: {exc}", file=stderr)
    return written
