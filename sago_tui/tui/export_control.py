"""``h``: export the run on screen (live or replayed) as one self-contained HTML page.

The page is the same as ``sago-tui trace --html`` writes (:func:`export_html`). For a
project it goes to ``.planning/trace.html``, next to the trace it is made from (the
seed's place, and where ``run --trace`` puts it); a replay without a project (``trace
--demo``) asks where to write it. Reading the trace and rendering the page run in a
thread, so a 50,000-event run never freezes the keyboard.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sago_tui.core.errors import SagoError
from sago_tui.core.project import Project
from sago_tui.core.trace import read_trace
from sago_tui.export.files import HTML_NAME
from sago_tui.tui.screens.text_prompt_screen import TextPromptScreen

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp

ASK_HELP = (
    "Where to write the HTML page (a file, or a directory to get trace.html in it; "
    "relative paths start in the current directory). Enter writes, Esc cancels."
)


@dataclass
class ExportSource:
    """What ``h`` exports and where.

    ``records`` None: the project's latest trace (``.planning/trace.jsonl``, the run the
    app just ran or last loaded). ``project`` None: no project, ask for a path.
    """

    project: Project | None
    records: list[dict[str, Any]] | None = None
    title: str = ""


class HtmlExporter:
    """Runs the export flow for the app (as a dialog worker, like the other flows)."""

    def __init__(self, app: SagoApp, source: ExportSource) -> None:
        self.app = app
        self.source = source

    def _load(self) -> tuple[list[dict[str, Any]], str]:
        """The records and the page title (reads the trace file: call in a thread)."""
        from sago_tui.export.files import run_title

        source, project = self.source, self.source.project
        if source.records is not None:
            return source.records, source.title
        if project is None or not project.latest_trace_path.is_file():
            return [], ""
        records = list(read_trace(project.latest_trace_path))
        return records, run_title(records, project.name)

    def _write(self, out: Path) -> Path | None:
        """Write the page (None when there is nothing to export); call in a thread."""
        from sago_tui.export.files import write_html

        records, title = self._load()
        if not records:
            return None
        return write_html(records, out, title)

    async def _ask(self) -> Path | None:
        answer = await self.app.push_screen_wait(
            TextPromptScreen("Export the run as HTML", ASK_HELP, submit_label="Export",
                             multiline=False, initial=HTML_NAME)
        )  # fmt: skip
        return Path(answer).expanduser() if answer else None

    async def run(self) -> None:
        """Ask for the path if needed, write the page in a thread, say where it went."""
        app, project = self.app, self.source.project
        out = project.planning_dir / HTML_NAME if project is not None else await self._ask()
        if out is None:
            return
        app.say(f"Exporting the run to {out}…")
        try:
            written = await asyncio.to_thread(self._write, out)
        except SagoError as exc:
            app.say(f"Could not export: {exc.message}", "error")
            return
        if written is None:
            app.say("No run to export yet: its trace has no events.", "warning")
            return
        app.say(f"Exported the run to {written} — open it in a browser.", "success")
        app.notify(str(written), title="HTML export written")
