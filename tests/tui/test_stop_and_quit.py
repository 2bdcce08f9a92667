"""Stopping a run and quitting mid-run: the worker really ends and nothing is half-written."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.core.state import StateStore
from sago_tui.tui.app import SagoApp
from tests.llm_server import FakeLLMServer, Reply, file_answer
from tests.tui.helpers import SIZE, loaded, make_app, wait_for
from tests.tui.test_approval_flow import GREETER, plan_reply

# A task answer that streams for ~10 s: the run is always mid-call when it is stopped.
SLOW = Reply(
    content=file_answer({"hello.py": GREETER + "# " + "x" * 2000 + "\n"}),
    chunk_chars=20,
    chunk_delay=0.1,
)


async def start_slow_task(app: SagoApp, pilot: Pilot[Any]) -> None:
    """Plan, approve everything, and wait until task 1.1's answer is streaming in."""
    await loaded(pilot)
    await pilot.press("r")
    await wait_for(pilot, lambda: app.awaiting, "the approval request")
    await pilot.press("A")
    cards = app.feed.cards
    await wait_for(pilot, lambda: "1.1" in cards and cards["1.1"].live_chars > 0,
                   "task 1.1's answer to stream")  # fmt: skip


def leftovers(root: Path) -> list[Path]:
    """Temp files of atomic writes that were never renamed."""
    return list(root.rglob("*.tmp"))


def llm_threads_end() -> bool:
    """Abandoned LLM call threads stop at their next chunk; give them a moment."""
    for thread in threading.enumerate():
        if thread.name == "sago-llm-call":
            thread.join(timeout=10)
    return not any(t.name == "sago-llm-call" and t.is_alive() for t in threading.enumerate())


async def test_stop_mid_task(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """x + confirm cancels the run; the task is not recorded as passed; files untouched."""
    llm_server.enqueue(plan_reply(), SLOW)
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await start_slow_task(app, pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, "the stop confirmation")
        await pilot.click("#cancel")  # "Keep running" first: nothing happens
        assert app.engine.busy
        await pilot.press("x")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, "the stop confirmation")
        await pilot.click("#stop")
        await wait_for(pilot, lambda: not app.engine.busy, "the worker to end")
        await wait_for(pilot, lambda: app.phase == "stopped", "the stopped state")
        assert app.session.tasks["1.1"].status != "passed"
        assert app.engine.worker is not None and app.engine.worker.is_finished

    assert not (hello_project.root / "hello.py").exists()
    assert leftovers(hello_project.root) == []
    records = StateStore(hello_project.state_path).snapshot().records
    assert "1.1" not in records or records["1.1"].status.value != "passed"
    assert llm_threads_end()


async def test_quit_mid_run_stops_the_worker(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """q while running asks, stops the job, waits for its thread, and exits."""
    llm_server.enqueue(plan_reply(), SLOW)
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await start_slow_task(app, pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, "the quit confirmation")
        await pilot.click("#stop")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")

    assert app.return_code == 0
    assert not app.engine.busy
    assert app.engine.worker is not None and app.engine.worker.is_finished
    assert not (hello_project.root / "hello.py").exists()
    assert leftovers(hello_project.root) == []
    assert llm_threads_end()
    trace = (hello_project.root / ".planning" / "trace.jsonl").read_text()
    assert '"workflow_end"' in trace  # the run closed its trace on the way out
