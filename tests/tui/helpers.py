"""Helpers for the app's Pilot and snapshot tests.

Determinism: a fixed clock for the header's elapsed time, fixed engine timestamps, no
cursor blink, no syntax highlighting (it depends on optional packages), projects named
``textstats``/``hello`` whatever the tmp path, and recorded traces (``data/``) replayed
into the app's event bridge for the snapshot states.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from sago_tui.config import load_settings
from sago_tui.core.events import Event, from_record
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.core.trace import read_trace
from sago_tui.tui.app import SagoApp
from sago_tui.tui.app_config import AppConfig
from sago_tui.tui.replay_app import Replay, ReplayApp

DATA = Path(__file__).parent / "data"
SIZE = (120, 34)
EVENT_TIME = "2026-01-15T09:30:00+00:00"


class FakeClock:
    """A clock the test moves by hand (the header's elapsed time)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def app_config(**overrides: object) -> AppConfig:
    """An AppConfig with a fixed clock and fixed event times (cursors are steady headless)."""
    values: dict[str, object] = {
        "clock": FakeClock(),
        "event_clock": lambda: EVENT_TIME,
        "syntax_highlight": False,
        "drain_interval": 0.02,
    }
    values.update(overrides)
    return AppConfig(**values)  # type: ignore[arg-type]


def recorded(name: str) -> list[Event]:
    """The events of a recorded trace in ``data/``."""
    return [from_record(record) for record in read_trace(DATA / name)]


def make_app(project: Project, settings: Settings | None = None, **config: object) -> SagoApp:
    """The app on ``project`` with the test config."""
    return SagoApp(project, settings or load_settings(project.root), app_config(**config))


async def wait_for(pilot: Pilot[Any], check: Callable[[], object], what: str,
                   timeout: float = 30.0) -> None:  # fmt: skip
    """Pause until ``check()`` is true; a guard against hangs, never a timing assertion."""
    loop_time = 0.0
    while not check():
        if loop_time > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
        loop_time += 0.05
    await pilot.pause()


def help_text(app: SagoApp) -> str:
    """Every line of the open help screen, as plain text."""
    return " ".join(str(s.render()) for s in app.screen.query_one("#help-text").query(Static))


async def loaded(pilot: Pilot[Any]) -> None:
    """Wait until the project's files (and the plan's estimate, if any) are shown."""
    app = pilot.app
    assert isinstance(app, SagoApp)
    await wait_for(pilot, lambda: app.phase != "loading", "the project to load")
    if app.session.plan is not None:
        await wait_for(pilot, lambda: app.cost_table.estimate is not None, "the estimate")


def feed(app: SagoApp, events: list[Event]) -> None:
    """Hand recorded events to the app exactly as the engine's bus would."""
    for event in events:
        app.bridge(event)
    app.drain()


def make_replay(records: list[dict[str, Any]], title: str = "textstats · run demo",
                **replay: Any) -> ReplayApp:  # fmt: skip
    """The replay app on ``records`` with the test config (no pacing unless asked)."""
    return ReplayApp(Replay(records, title, **replay), app_config())


async def replayed(pilot: Pilot[Any]) -> ReplayApp:
    """Wait until every event of the replay is on screen."""
    app = pilot.app
    assert isinstance(app, ReplayApp)
    await wait_for(pilot, lambda: app.player.finished, "the replay")
    return app
