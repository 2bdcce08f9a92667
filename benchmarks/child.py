"""Measurements that need a process of their own: ``python -m benchmarks.child CASE JSON``.

Prints one JSON object (the measurement) as its last line of output. The TUI cases
drive the real :class:`~sago_tui.tui.app.SagoApp` headless; when the app is not
importable they answer ``{"missing": reason}`` instead of failing.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sago_tui.core.bus import EventBus
from sago_tui.core.events import (
    CacheMiss,
    Event,
    FileRead,
    FileWritten,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    TaskFinished,
    TaskStarted,
    VerifyRan,
    WarningIssued,
    WorkflowStarted,
)
from sago_tui.core.settings import Settings

from .projects import task_file, write_project

TABS = ("3", "4", "2", "5")  # Feed, Log, Plan, Cost: the keys of the tab bar
TAB_IDS = {"1": "spec", "2": "plan", "3": "feed", "4": "log", "5": "cost"}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    text = Path("/proc/self/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
    if found is None:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(found.group(1)) / 1024


def timed_app_class() -> tuple[type[Any], type[Any]] | str:
    """``(TimedApp, AppConfig)``, or why the app cannot be imported."""
    try:
        from textual.widgets import TabbedContent

        from sago_tui.tui.app import SagoApp
        from sago_tui.tui.app_config import AppConfig
    except ImportError as exc:  # the TUI is not there (yet)
        return f"TUI not present ({exc})"

    class TimedApp(SagoApp):
        """The real app, noting when frames reach the screen.

        ``_display`` is where Textual hands a rendered frame to the driver (the
        headless driver then discards it): the moment a user would see it.
        """

        # CSS_PATH is relative to the defining module: point at the app's own file.
        CSS_PATH = str(Path(inspect.getfile(SagoApp)).with_name("app.tcss"))

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.first_frame: float | None = None
            self.frames = 0
            self.waiting: tuple[str, float] | None = None  # (tab id, key pressed at)
            self.latencies: list[float] = []
            self.plan_shown: float | None = None
            self.want_tasks = 0

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if renderable is None or self._batch_count:
                return
            now = time.perf_counter()
            self.frames += 1
            if self.first_frame is None:
                self.first_frame = now
            if self.plan_shown is None and self.want_tasks:
                nodes = getattr(self.plan_tree, "_task_nodes", {})
                if len(nodes) >= self.want_tasks:
                    self.plan_shown = now
            if self.waiting is not None:
                tab, pressed = self.waiting
                if self.query_one("#tabs", TabbedContent).active == tab:
                    self.latencies.append(now - pressed)
                    self.waiting = None

    return TimedApp, AppConfig


def first_frame(payload: dict[str, Any]) -> dict[str, Any]:
    """App start → first frame on a ``tasks``-task project; also → plan tree filled."""
    started = time.perf_counter()
    classes = timed_app_class()
    if isinstance(classes, str):
        return {"missing": classes}
    import_s = time.perf_counter() - started
    timed_app, app_config = classes
    tasks = int(payload["tasks"])
    with tempfile.TemporaryDirectory() as tmp:
        project = write_project(Path(tmp) / "p", tasks, depends=True)
        marks: dict[str, float] = {}

        async def main() -> None:
            marks["start"] = time.perf_counter()
            app = timed_app(project, Settings(), app_config())
            app.want_tasks = tasks
            async with app.run_test(headless=True, size=(120, 40)):
                deadline = time.perf_counter() + 60
                while app.plan_shown is None and time.perf_counter() < deadline:
                    await asyncio.sleep(0.002)
                marks["frame"] = app.first_frame or float("nan")
                marks["plan"] = app.plan_shown or float("nan")

        asyncio.run(main())
    return {
        "first_frame_s": marks["frame"] - marks["start"],
        "plan_shown_s": marks["plan"] - marks["start"],
        "import_s": import_s,
    }


_PREVIEW = "def value() -> str:\n    return 'x'\n" * 40
_DIFF = "".join(f"+line {n}\n" for n in range(40))
# One task's events, in order: (kind, repeat). A real answer streams a few hundred
# chunks; 50 keeps task starts and ends (which restyle rows and cards) frequent enough
# to be a stress while most of the stream is text, as in a real run.
_LIFECYCLE = (
    ("start", 1), ("miss", 1), ("read_spec", 1), ("read_file", 1), ("request", 1),
    ("delta", 50), ("called", 1), ("written", 1), ("verified", 1), ("warning", 1),
    ("finished", 1),
)  # fmt: skip


def _event(kind: str, task_id: str, name: str) -> Event:
    """A fresh event of ``kind`` for one task (the bus stamps each object it emits)."""
    path = task_file(task_id)
    match kind:
        case "start":
            return TaskStarted(task_id=task_id, task_name=name, files=[path])
        case "miss":
            return CacheMiss(task_id=task_id, reason="no cached result")
        case "read_spec":
            return FileRead(task_id=task_id, path="PROJECT.md", size_bytes=120)
        case "read_file":
            return FileRead(task_id=task_id, path=path, size_bytes=0)
        case "request":
            return LLMRequested(task_id=task_id, model="gpt-4o", purpose="task")
        case "delta":
            return LLMDelta(task_id=task_id, text="token " * 3)
        case "called":
            return LLMCalled(
                task_id=task_id, model="gpt-4o", purpose="task", prompt_tokens=800,
                completion_tokens=60, total_tokens=860, cost_usd=0.0026, duration_s=0.8,
                finish_reason="stop", prompt_preview=_PREVIEW, response_preview=_PREVIEW,
            )  # fmt: skip
        case "written":
            return FileWritten(
                task_id=task_id, path=path, size_bytes=900, content_preview=_PREVIEW,
                diff=_DIFF, created=True,
            )  # fmt: skip
        case "verified":
            return VerifyRan(
                task_id=task_id, command="python -m pytest -q", success=True, exit_code=0,
                duration_s=0.4, stdout="1 passed in 0.01s\n" * 5,
            )  # fmt: skip
        case "warning":
            return WarningIssued(task_id=task_id, message="slow verify")
        case _:
            return TaskFinished(
                task_id=task_id, task_name=name, success=True, status="passed",
                duration_s=1.3, attempts=1, total_tokens=860, cost_usd=0.0026,
            )  # fmt: skip


def _event_cycle(tasks: list[tuple[str, str]]) -> Iterator[Event]:
    """Endless events of a plausible run: ten tasks at a time, their steps interleaved.

    Streamed chunks of different tasks alternate, so the bridge cannot merge most of
    them: the UI really sees (nearly) every event.
    """
    steps = [kind for kind, repeat in _LIFECYCLE for _ in range(repeat)]
    lanes = 10
    cursor = 0
    while True:
        batch = [tasks[(cursor + lane) % len(tasks)] for lane in range(lanes)]
        cursor += lanes
        for kind in steps:
            for task_id, name in batch:
                yield _event(kind, task_id, name)


def ui_stress(payload: dict[str, Any]) -> dict[str, Any]:
    """``rate`` events/s for ``seconds`` into the app's bridge while keys switch tabs.

    Key-to-screen latency: from just before Pilot presses a tab key to the first frame
    that shows that tab. Peak RSS: the process's high-water mark once every event has
    been applied to the widgets.
    """
    classes = timed_app_class()
    if isinstance(classes, str):
        return {"missing": classes}
    timed_app, app_config = classes
    rate, seconds, tasks = int(payload["rate"]), float(payload["seconds"]), int(payload["tasks"])
    total = int(rate * seconds)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        project = write_project(Path(tmp) / "p", tasks, depends=True)
        plan_tasks = [(f"{p}.{i}", f"Write module {p}.{i}") for p, i in _ids(tasks)]

        async def main() -> None:
            app = timed_app(project, Settings(), app_config())
            app.want_tasks = tasks
            async with app.run_test(headless=True, size=(140, 45)) as pilot:
                while app.plan_shown is None:
                    await asyncio.sleep(0.01)
                out["rss_before_mb"] = peak_rss_mb()
                bus = EventBus()
                bus.subscribe(app.bridge)
                bus.emit(
                    WorkflowStarted(
                        project_path=str(project.root),
                        command="run",
                        total_tasks=tasks,
                        model="gpt-4o",
                    )
                )
                done = threading.Event()
                producer = threading.Thread(
                    target=_produce,
                    args=(bus, _event_cycle(plan_tasks), rate, total, done, out),
                    daemon=True,
                )
                producer.start()
                presses: list[asyncio.Task[None]] = []
                while not done.is_set():
                    key = TABS[len(presses) % len(TABS)]
                    app.waiting = (TAB_IDS[key], time.perf_counter())
                    # Pilot sends the key at once, then waits for every widget to go idle,
                    # which a busy screen rarely does: don't let that pace the samples.
                    presses.append(asyncio.create_task(pilot.press(key)))
                    deadline = time.perf_counter() + 5
                    while app.waiting is not None and time.perf_counter() < deadline:
                        await asyncio.sleep(0.001)
                    if app.waiting is not None:  # never shown within 5 s: count it as 5 s
                        app.latencies.append(5.0)
                        app.waiting = None
                    await asyncio.sleep(0.2)
                produced_at = time.perf_counter()
                while len(app.bridge):
                    await asyncio.sleep(0.01)
                await asyncio.wait_for(asyncio.gather(*presses), 60)
                await pilot.pause()
                out["drain_lag_s"] = time.perf_counter() - produced_at
                out["latencies_ms"] = [round(v * 1000, 2) for v in app.latencies]
                out["frames"] = app.frames
                out["received"] = app.bridge.received

        asyncio.run(main())
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _ids(tasks: int) -> list[tuple[int, int]]:
    """Task ids as :func:`~benchmarks.projects.write_project` numbers them (5 phases)."""
    per_phase = max(1, -(-tasks // 5))
    return [(p, i) for p in range(1, 6) for i in range(1, per_phase + 1)][:tasks]


def _produce(
    bus: EventBus,
    events: Iterator[Event],
    rate: int,
    total: int,
    done: threading.Event,
    out: dict[str, Any],
) -> None:
    """Emit ``total`` events at ``rate`` per second, in 10 ms ticks (catching up if late)."""
    started = time.perf_counter()
    sent = 0
    try:
        while sent < total:
            due = min(total, int((time.perf_counter() - started) * rate) + rate // 100)
            while sent < due:
                bus.emit(next(events))
                sent += 1
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        out["events"] = sent
        out["achieved_rate"] = round(sent / elapsed) if elapsed else 0
    finally:
        done.set()


CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "first_frame": first_frame,
    "ui_stress": ui_stress,
}


def main(argv: list[str]) -> int:
    """``CASE JSON`` → prints the case's JSON result."""
    case, payload = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = CASES[case](payload)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
