"""The header: project name, what the app is doing, progress, tokens, cost, elapsed time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from sago_tui.tui.formatting import elapsed, money, tokens
from sago_tui.tui.task_views import Session

PHASE_LABELS: dict[str, str] = {
    "loading": "Loading",
    "setup": "New project",
    "idle": "Ready",
    "drafting": "Drafting spec",
    "planning": "Planning",
    "awaiting": "Awaiting approval",
    "running": "Running",
    "stopping": "Stopping",
    "passed": "Passed",
    "failed": "Failed",
    "stopped": "Stopped",
    "replaying": "Replaying",
}
BAR_WIDTH = 12


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``━━━━━━╺━━━━━`` style bar as markup (filled part in the accent colour)."""
    if total <= 0:
        return f"[$foreground 25%]{'━' * width}[/]"
    filled = round(width * min(done, total) / total)
    return f"[$accent]{'━' * filled}[/][$foreground 25%]{'━' * (width - filled)}[/]"


class RunHeader(Horizontal):
    """One line at the top; its ``-<phase>`` class colours the phase pill."""

    def __init__(self, project_name: str) -> None:
        super().__init__(id="run-header")
        self.project_name = project_name
        self._phase = ""
        # Direct references: the header is redrawn every second and every frame.
        self._phase_label = Static("", id="header-phase", classes="pill")
        self._progress = Static("", id="header-progress")
        self._stats = Static("", id="header-stats")

    def compose(self) -> ComposeResult:
        title = Content.assemble(("sago-tui", "bold"), (" · ", "$text-muted"), self.project_name)
        yield Static(title, id="header-title")
        yield self._phase_label
        yield Static("", id="header-fill")
        yield self._progress
        yield self._stats

    def show(self, session: Session) -> None:
        """Redraw from the session (cheap: called at most once per frame)."""
        if session.phase != self._phase:
            self.remove_class(f"-{self._phase}")
            self._phase = session.phase
            self.add_class(f"-{self._phase}")
            label = PHASE_LABELS.get(self._phase, self._phase.title())
            self._phase_label.update(f" {label} ")
        done, total = session.progress
        progress = f"{progress_bar(done, total)} {done}/{total} tasks" if total else ""
        # Fixed-width cells (app.tcss): redrawing them never re-lays out the screen.
        self._progress.update(progress, layout=False)
        spent = session.elapsed
        parts = [f"{tokens(session.tokens)} tok", money(session.cost)]
        if spent is not None:
            parts.append(elapsed(spent))
        self._stats.update(" [$text-muted]·[/] ".join(parts), layout=False)
