"""App states reached deterministically, shared by the snapshot tests and the screenshots.

Each scene opens the app on a demo project (always named ``textstats``) with a fixed
clock and replays recorded engine events (``data/*.jsonl``) into the app's bridge, the
same path the live engine's events take. Nothing waits on wall-clock timing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

from textual.pilot import Pilot

from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.errors import ExitCode
from sago_tui.core.events import Event, LLMDelta, LLMRequested, VerifyRan
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.outcome import RunResult
from sago_tui.core.plan_parser import load_plan
from sago_tui.tui.app import SagoApp
from sago_tui.tui.messages import EventChosen, JobFinished, PlanApprovalRequested
from sago_tui.tui.ui_state import Phase
from tests.tui.helpers import FakeClock, feed, loaded, recorded, replayed, wait_for

Scene = Callable[[Pilot[Any]], Awaitable[None]]


def _app(pilot: Pilot[Any]) -> SagoApp:
    app = pilot.app
    assert isinstance(app, SagoApp)
    return app


def _hold(orchestrator: Orchestrator) -> RunResult:
    """A job that keeps the engine busy until the app stops it (events are replayed)."""
    while not orchestrator.cancel.wait(0.05):
        pass
    return RunResult(run_id="", exit_code=ExitCode.INTERRUPTED, reason="stopped")


def _begin_run(app: SagoApp, phase: str = "running", *, busy: bool = False) -> None:
    """What the app does when r is pressed; the engine's events are then replayed."""
    app.run_scope = None
    app.session.begin_job(None)
    app.phase = Phase(phase)
    if busy:  # a real worker, so the keys on offer are those of a running job
        assert app.engine.start("run", app.settings, _hold)
    app.say("Starting the run — x stops it.")


def _advance(app: SagoApp, seconds: float) -> None:
    clock = app.config.clock
    assert isinstance(clock, FakeClock)
    clock.now += seconds


async def _settle(pilot: Pilot[Any]) -> None:
    app = _app(pilot)
    app.repaint_state()
    app.clear_notifications()
    await pilot.pause()


async def spec_editor(pilot: Pilot[Any]) -> None:
    """Spec tab, PROJECT.md with an unsaved edit."""
    await loaded(pilot)
    await pilot.press("1")
    await pilot.click("#spec-project")
    await pilot.press(*"Status: draft", "enter", "enter")
    await _settle(pilot)


async def plan_awaiting_approval(pilot: Pilot[Any]) -> None:
    """The plan was generated; the run waits for approval; 1.1 and 1.2 approved."""
    app = _app(pilot)
    await loaded(pilot)
    _begin_run(app, "planning", busy=True)
    events = recorded("demo_run.jsonl")
    first_task = next(i for i, e in enumerate(events) if e.task_id)
    feed(app, events[:first_task])
    _advance(app, 4.2)
    plan, issues = load_plan(app.project.plan_path)
    future: Future[ApprovalDecision] = Future()
    app.post_message(PlanApprovalRequested(plan, issues, future))
    await wait_for(pilot, lambda: app.awaiting, "the approval request")
    await pilot.press("a", "a")
    await _settle(pilot)


def _in_progress_events() -> list[Event]:
    events = recorded("demo_run.jsonl")
    failed = next(i for i, e in enumerate(events) if isinstance(e, VerifyRan) and not e.success)
    fix = "=== FILE: textstats/frequency.py ===\n```python\nimport re\nfrom collections import"
    live: list[Event] = [
        LLMRequested(task_id="2.1", agent="SelfHealingAgent", model="gpt-4o-mini",
                     purpose="fix", prompt_tokens=1157, timestamp=events[failed].timestamp),
        LLMDelta(task_id="2.1", agent="SelfHealingAgent", text=fix),
    ]  # fmt: skip
    return events[: failed + 1] + live


async def run_in_progress(pilot: Pilot[Any]) -> None:
    """Task 2.1 failed its verify and the fix is streaming in (Feed tab)."""
    app = _app(pilot)
    await loaded(pilot)
    _begin_run(app, busy=True)
    feed(app, _in_progress_events())
    _advance(app, 12.4)
    await pilot.press("3")
    await _settle(pilot)


async def _replay_run(pilot: Pilot[Any], trace: str) -> SagoApp:
    """Replay a whole recorded run, then the worker's JobFinished, as the engine would."""
    app = _app(pilot)
    await loaded(pilot)
    _begin_run(app)
    feed(app, recorded(trace))
    ok = trace == "demo_run.jsonl"
    result = RunResult(run_id="20260115-093000-demo",
                       exit_code=ExitCode.OK if ok else ExitCode.TASK_FAILED,
                       reason="" if ok else "failed: 2.1")  # fmt: skip
    app.post_message(JobFinished("run", result))
    phase = "passed" if ok else "failed"
    await wait_for(pilot, lambda: app.phase == phase, "the run's result")
    await wait_for(pilot, lambda: all(w.is_finished for w in app.workers), "the reload")
    return app


async def _finish_failed_run(pilot: Pilot[Any]) -> SagoApp:
    return await _replay_run(pilot, "demo_run_failed.jsonl")


async def run_failed_feed(pilot: Pilot[Any]) -> None:
    """The run ended with 2.1 failed (no auto-retry): its card shows the verify output."""
    await _finish_failed_run(pilot)
    await pilot.press("3")
    await _settle(pilot)


async def run_failed_plan(pilot: Pilot[Any]) -> None:
    """The same run in the plan tree, with 2.1's last error in the detail panel."""
    app = await _finish_failed_run(pilot)
    await pilot.press("2")
    app.plan_tree.select_task("2.1")
    await _settle(pilot)


async def log_view(pilot: Pilot[Any]) -> None:
    """The Log after a whole run, cursor on the failed verify."""
    app = await _replay_run(pilot, "demo_run.jsonl")
    events = recorded("demo_run.jsonl")
    await pilot.press("4")
    log = app.query_one("EventLog")
    log.focus()
    failed = next(i for i, e in enumerate(events) if isinstance(e, VerifyRan) and not e.success)
    await pilot.press(*["up"] * (len(events) - 1 - failed))
    await _settle(pilot)


async def cost_view(pilot: Pilot[Any]) -> None:
    """The Cost tab after a run: estimate beside actual, per task and phase."""
    await _replay_run(pilot, "demo_run.jsonl")
    await pilot.press("5")
    await _settle(pilot)


async def event_detail(pilot: Pilot[Any]) -> None:
    """The fix's file write opened from the Feed: a coloured diff."""
    app = await _replay_run(pilot, "demo_run.jsonl")
    await pilot.press("3")
    events = recorded("demo_run.jsonl")
    fix_write = next(
        e for e in events if e.agent == "SelfHealingAgent" and e.event_type == "file_write"
    )
    app.post_message(EventChosen(fix_write))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "EventDetailScreen", "detail")
    await _settle(pilot)


async def task_edit(pilot: Pilot[Any]) -> None:
    """The edit form of task 2.1 (its Save button must stay on screen)."""
    app = _app(pilot)
    await loaded(pilot)
    await pilot.press("2")
    app.plan_tree.select_task("2.1")
    await pilot.press("e")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "TaskEditScreen", "the form")
    await _settle(pilot)


async def help_screen(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.press("f1")
    await _settle(pilot)


async def settings_screen(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "SettingsScreen", "settings")
    await _settle(pilot)


async def init_offer(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "InitScreen", "the offer")
    await _settle(pilot)


async def replay_view(pilot: Pilot[Any]) -> None:
    """``sago-tui trace`` on a run whose task 2.1 failed: the Feed, read-only, whole."""
    await replayed(pilot)
    await _settle(pilot)
