"""An event sink that keeps what the reports need beyond a run's :class:`RunResult`.

The result has outcomes and totals; the events add the model, the start and end
times, the budget, and each task's last verify command, exit code and output.
The sink is cheap (a few dict updates) and safe to call from task threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sago_tui.core.events import Event, FixAttempted, VerifyRan, WorkflowFinished, WorkflowStarted


@dataclass
class VerifySeen:
    """The last verify run of one task, as its ``verify_run`` event reported it."""

    command: str
    passed: bool
    exit_code: int | None
    timed_out: bool
    output: str


class RunRecorder:
    """Event sink collecting what the reports need beyond the :class:`RunResult`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.model = ""
        self.command = ""
        self.started_at = ""
        self.finished_at = ""
        self.max_cost: float | None = None
        self.sandbox = ""  # how verify ran: "bubblewrap (no network)", "off (…)"
        self.verify: dict[str, VerifySeen] = {}
        self.fixes: dict[str, int] = {}

    def __call__(self, event: Event) -> None:
        with self._lock:
            match event:
                case WorkflowStarted():
                    self.model, self.command = event.model, event.command
                    self.started_at = event.timestamp
                    max_cost = event.options.get("max_cost")
                    self.max_cost = float(max_cost) if max_cost is not None else None
                    self.sandbox = str(event.options.get("sandbox", ""))
                case WorkflowFinished():
                    self.finished_at = event.timestamp
                case VerifyRan() if event.task_id:
                    output = "\n".join(
                        p.rstrip() for p in (event.stdout, event.stderr) if p.strip()
                    )
                    self.verify[event.task_id] = VerifySeen(
                        event.command, event.success, event.exit_code, event.timed_out, output
                    )
                case FixAttempted() if event.task_id:
                    self.fixes[event.task_id] = self.fixes.get(event.task_id, 0) + 1
