"""What the app is doing, as one vocabulary: the :class:`Phase` the header's pill shows.

The phase is a reactive attribute of :class:`~sago_tui.tui.app.SagoApp` (its one owner,
with ``awaiting`` approval and the run's scope); the app's ``watch_*`` methods repaint
the header, the approval bar and the keys on offer whenever one of them changes, so no
controller ever calls a refresh by hand.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """The app's phase; its value is the header's CSS class suffix (``-running``)."""

    LOADING = "loading"
    SETUP = "setup"
    IDLE = "idle"
    DRAFTING = "drafting"
    PLANNING = "planning"
    AWAITING = "awaiting"
    RUNNING = "running"
    STOPPING = "stopping"
    PASSED = "passed"
    FAILED = "failed"
    STOPPED = "stopped"
    REPLAYING = "replaying"

    @property
    def label(self) -> str:
        """The header's pill text."""
        return LABELS[self][0]

    @property
    def short(self) -> str:
        """The pill on a narrow terminal."""
        return LABELS[self][1]

    @property
    def working(self) -> bool:
        """A job (or replay) is under way: its elapsed time keeps counting."""
        return self in WORKING


LABELS: dict[Phase, tuple[str, str]] = {
    Phase.LOADING: ("Loading", "Loading"),
    Phase.SETUP: ("New project", "New"),
    Phase.IDLE: ("Ready", "Ready"),
    Phase.DRAFTING: ("Drafting spec", "Drafting"),
    Phase.PLANNING: ("Planning", "Planning"),
    Phase.AWAITING: ("Awaiting approval", "Approve?"),
    Phase.RUNNING: ("Running", "Running"),
    Phase.STOPPING: ("Stopping", "Stopping"),
    Phase.PASSED: ("Passed", "Passed"),
    Phase.FAILED: ("Failed", "Failed"),
    Phase.STOPPED: ("Stopped", "Stopped"),
    Phase.REPLAYING: ("Replaying", "Replay"),
}
WORKING = frozenset(
    {Phase.DRAFTING, Phase.PLANNING, Phase.AWAITING, Phase.RUNNING, Phase.STOPPING, Phase.REPLAYING}
)
