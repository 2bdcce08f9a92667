"""Naming and writing a run's HTML page, shared by ``sago-tui trace`` and the app's ``h``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sago_tui.core.errors import ProjectError

HTML_NAME = "trace.html"


def run_title(records: list[dict[str, Any]], name: str, *, fallback_id: str = "") -> str:
    """``textstats · run 20261125-103000-ab12`` (the run id from ``workflow_start``)."""
    start = next((r for r in records if r.get("event_type") == "workflow_start"), None)
    data = start.get("data") if start else None
    run_id = str(data.get("run_id") or "") if isinstance(data, dict) else ""
    run_id = run_id or fallback_id
    return f"{name} · run {run_id}" if run_id and run_id != "trace" else name


def write_html(records: list[dict[str, Any]], out: Path, title: str) -> Path:
    """Export to ``out`` (a directory gets ``trace.html`` inside); a clear error if unwritable."""
    from sago_tui.export.html import export_html  # the page's template loads on demand

    if out.is_dir():
        out = out / HTML_NAME
    try:
        return export_html(records, out, title=title)
    except OSError as exc:
        raise ProjectError(f"cannot write {out}: {exc.strerror or exc}") from exc
