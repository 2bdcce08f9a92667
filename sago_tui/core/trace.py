"""The trace on disk (DESIGN.md §7): one JSON object per line.

Each run writes ``.planning/traces/<run-id>.jsonl`` and mirrors it to
``.planning/trace.jsonl`` (the latest run, the seed's path). Lines are flushed
as they are written, so a run killed at any point leaves a readable trace.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sago_tui.core.errors import is_disk_full
from sago_tui.core.events import Event
from sago_tui.core.project import Project
from sago_tui.core.secrets import Redactor

KEEP_RUNS = 100
"""How many per-run trace files to keep; older ones are deleted at the start of a run."""


def new_run_id(now: datetime | None = None) -> str:
    """A sortable run id: ``20261125-103000-ab12``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(2)}"


class TraceWriter:
    """An event sink that appends traced events to the run's trace files."""

    def __init__(self, project: Project, run_id: str, redactor: Redactor) -> None:
        project.traces_dir.mkdir(parents=True, exist_ok=True)
        _prune_old_runs(project.traces_dir, KEEP_RUNS - 1)
        self.path = project.traces_dir / f"{run_id}.jsonl"
        self.latest_path = project.latest_trace_path
        self._redactor = redactor
        self._lock = threading.Lock()
        # backslashreplace: a lone surrogate (an undecodable name) becomes the JSON escape
        # "\\udcff" inside its string, instead of an exception in the middle of a run.
        self.failed = ""
        """Why the trace stopped being written ("" while it is fine), e.g. a full disk."""
        self._files: list[IO[str]] = [
            self.path.open("a", encoding="utf-8", errors="backslashreplace"),
            self.latest_path.open("w", encoding="utf-8", errors="backslashreplace"),
        ]

    def __call__(self, event: Event) -> None:
        if not event.traced:
            return
        line = self._redactor.json_line(event.to_record()) + "\n"
        with self._lock:
            if self.failed:
                return
            try:
                for handle in self._files:
                    if not handle.closed:
                        handle.write(line)
                        handle.flush()
            except OSError as exc:
                # A full disk must not stop the run (nor raise in every emitting thread):
                # the trace stops here and the run reports it incomplete.
                reason = "disk full" if is_disk_full(exc) else (exc.strerror or str(exc))
                self.failed = f"{reason} while writing {exc.filename or self.path}"
                self._close_quietly()

    def close(self) -> None:
        """Close both files; later events are dropped."""
        with self._lock:
            self._close_quietly()

    def _close_quietly(self) -> None:
        for handle in self._files:
            try:
                handle.close()
            except OSError as exc:  # the buffered tail could not be written
                if not self.failed:
                    reason = "disk full" if is_disk_full(exc) else (exc.strerror or str(exc))
                    self.failed = f"{reason} while writing {self.path}"


def _prune_old_runs(traces_dir: Path, keep: int) -> None:
    runs = sorted(traces_dir.glob("*.jsonl"))
    for old in runs[: max(0, len(runs) - keep)]:
        with contextlib.suppress(OSError):  # a trace we cannot delete is harmless
            old.unlink()


def read_trace(path: Path) -> Iterator[dict[str, Any]]:
    """Every well-formed record of a trace file; broken lines (a crash mid-write) are skipped."""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "event_type" in record:
                yield record


@dataclass(frozen=True)
class RunSummary:
    """One past run, for the run list of ``sago-tui trace``."""

    run_id: str
    path: Path
    started: str
    outcome: str
    total_tasks: int
    passed: int
    failed: int
    total_tokens: int
    cost_usd: float


def summarize_run(path: Path) -> RunSummary:
    """Summarize a trace from its first and last lines (cheap for huge traces)."""
    first = _first_record(path)
    last = _last_record(path)
    start_data = first.get("data", {}) if first else {}
    if last and last.get("event_type") == "workflow_end":
        end = last.get("data", {})
        outcome = "passed" if end.get("success") else (end.get("reason") or "failed")
        return RunSummary(
            run_id=path.stem,
            path=path,
            started=str(first.get("timestamp", "")) if first else "",
            outcome=str(outcome),
            total_tasks=int(end.get("total_tasks") or start_data.get("total_tasks") or 0),
            passed=int(end.get("passed") or 0),
            failed=int(end.get("failed") or 0),
            total_tokens=int(end.get("total_tokens") or 0),
            cost_usd=float(end.get("cost_usd") or 0.0),
        )
    return RunSummary(
        run_id=path.stem,
        path=path,
        started=str(first.get("timestamp", "")) if first else "",
        outcome="interrupted",
        total_tasks=int(start_data.get("total_tasks") or 0),
        passed=0,
        failed=0,
        total_tokens=0,
        cost_usd=0.0,
    )


def list_runs(project: Project) -> list[RunSummary]:
    """Past runs of the project, newest first."""
    if not project.traces_dir.is_dir():
        return []
    paths = sorted(project.traces_dir.glob("*.jsonl"), reverse=True)
    return [summarize_run(p) for p in paths if p.stat().st_size > 0]


def _first_record(path: Path) -> dict[str, Any] | None:
    try:
        return next(read_trace(path))
    except (StopIteration, OSError):
        return None


def _last_record(path: Path) -> dict[str, Any] | None:
    """The last well-formed record, read backwards from the end of the file."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            block = min(size, 1 << 20)
            handle.seek(size - block)
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    for line in reversed(tail.splitlines()):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            return record
    return None
