"""Running the orchestrator in a thread worker, and stopping it (DESIGN.md §8).

One job at a time (plan, run, re-run, spec draft). The worker builds its own
:class:`EventBus` whose only live sink is the app's :class:`EventBridge`; it never
touches a widget and reports its end with a :class:`JobFinished` message. Stopping
cancels the job's :class:`CancelToken` and answers any pending approval with *not
approved*; every LLM call has a timeout and verify commands are killed on cancel, so
the thread really ends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.worker import Worker

from sago_tui.core.cancel import CancelToken
from sago_tui.core.errors import ExitCode
from sago_tui.core.outcome import RunResult
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.approver import UIApprover
from sago_tui.tui.bridge import EventBridge
from sago_tui.tui.messages import JobFinished

if TYPE_CHECKING:
    from sago_tui.core.orchestrator import Orchestrator

Job = Callable[["Orchestrator"], RunResult]


class EngineController:
    """Starts engine jobs in a thread worker and stops them."""

    def __init__(
        self,
        app: App[Any],
        project: Project,
        bridge: EventBridge,
        event_clock: Callable[[], str] | None = None,
    ) -> None:
        self.app = app
        self.project = project
        self.bridge = bridge
        self.event_clock = event_clock
        self.job: str | None = None
        self.worker: Worker[None] | None = None
        self._cancel: CancelToken | None = None
        self._approver: UIApprover | None = None
        self._done = threading.Event()
        self._done.set()

    @property
    def busy(self) -> bool:
        """True while a job's thread is alive."""
        return not self._done.is_set()

    def start(self, job: str, settings: Settings, call: Job) -> bool:
        """Run ``call(orchestrator)`` in a thread worker; False if a job is already running."""
        if self.busy:
            return False
        cancel = CancelToken()
        approver = UIApprover(self.app.post_message, cancel)
        self.job, self._cancel, self._approver = job, cancel, approver
        self._done.clear()

        def work() -> None:
            try:
                result = self._execute(settings, cancel, approver, call)
                self.app.post_message(JobFinished(job, result, stopped=cancel.cancelled))
            finally:
                self._done.set()

        self.worker = self.app.run_worker(
            work, name=f"engine:{job}", group="engine", thread=True, exit_on_error=False
        )
        return True

    def _execute(
        self, settings: Settings, cancel: CancelToken, approver: UIApprover, call: Job
    ) -> RunResult:
        """The worker body: a fresh bus and orchestrator per job (imported lazily)."""
        from sago_tui.core.bus import EventBus
        from sago_tui.core.orchestrator import Orchestrator

        bus = EventBus(clock=self.event_clock) if self.event_clock else EventBus()
        bus.subscribe(self.bridge)
        try:
            orchestrator = Orchestrator(
                self.project, settings, bus=bus, cancel=cancel, approver=approver
            )
            return call(orchestrator)
        except Exception as exc:  # an engine bug must surface as a message, not kill the app
            reason = f"internal error: {type(exc).__name__}: {exc}"
            return RunResult(run_id="", exit_code=ExitCode.BAD_INPUT, reason=reason)
        finally:
            bus.unsubscribe(self.bridge)

    def stop(self, reason: str = "stopped by the user") -> None:
        """Ask the running job to stop as soon as it can; never blocks."""
        if self._cancel is not None:
            self._cancel.cancel(reason)
        if self._approver is not None:
            self._approver.abort()

    async def shutdown(self, timeout: float = 30.0) -> bool:
        """Stop the job and wait (without blocking the UI) for its thread to end."""
        self.stop("the app is quitting")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.busy and loop.time() < deadline:
            await asyncio.sleep(0.05)
        return not self.busy
