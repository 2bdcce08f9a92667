"""The header: project name, what the app is doing, progress, tokens, cost, elapsed time.

On a narrow terminal (the ``-narrow`` class, set by the app) the labels shorten so the
cost and the elapsed time always fit: ``Approve?`` for the phase, ``3/7`` for progress.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from sago_tui.tui.formatting import elapsed, money, tokens
from sago_tui.tui.task_views import Session
from sago_tui.tui.ui_state import Phase

BAR_WIDTH = 12
NARROW_BAR_WIDTH = 5


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
        self._history = False  # a past run is on screen (read-only)
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

    def show_phase(self, phase: Phase) -> None:
        """The pill: its text and its ``-<phase>`` colour class."""
        self.remove_class(f"-{self._phase}")
        self._phase = phase
        self.add_class(f"-{phase}")
        self._paint_phase()

    def show_history(self, shown: bool) -> None:
        """While idle, the pill says a past run is on screen (not "Ready" for a new one)."""
        if shown != self._history:
            self._history = shown
            self._paint_phase()

    def _paint_phase(self) -> None:
        if self._phase:
            phase = Phase(self._phase)
            narrow = self.has_class("-narrow")
            if self._history and phase is Phase.IDLE:
                label = "Past" if narrow else "Past run"
            else:
                label = phase.short if narrow else phase.label
            self._phase_label.update(f" {label} ")

    def set_narrow(self, narrow: bool) -> None:
        """Short labels (``-narrow``) or long ones, for the terminal's width."""
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._paint_phase()

    def show(self, session: Session) -> None:
        """Redraw progress and totals from the session (cheap: at most once per frame)."""
        narrow = self.has_class("-narrow")
        done, total = session.progress
        progress = ""
        if total:
            bar = progress_bar(done, total, NARROW_BAR_WIDTH if narrow else BAR_WIDTH)
            progress = f"{bar} {done}/{total}" + ("" if narrow else " tasks")
        # Fixed-width cells (app.tcss): redrawing them never re-lays out the screen.
        self._progress.update(progress, layout=False)
        spent = session.elapsed
        parts = [f"{tokens(session.tokens)} tok", money(session.cost)]
        if spent is not None:
            parts.append(elapsed(spent))
        self._stats.update(" [$text-muted]·[/] ".join(parts), layout=False)
