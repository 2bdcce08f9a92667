"""Re-record the demo traces the TUI snapshot tests and screenshots replay.

    python -m tests.tui.data.record_traces

Runs the real engine on the bundled demo (LLM answers replayed from its cassette, real
files and verify commands) twice: with auto-retry (every task passes after one fix)
and without (task 2.1 fails). Timestamps come from a fixed clock and durations, timings
in test output and paths are normalised, so the files (and the snapshots) are stable.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sago_tui.config import load_settings
from sago_tui.core.bus import EventBus
from sago_tui.core.demo import prepare_demo
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.project import Project
from sago_tui.core.trace import read_trace

HERE = Path(__file__).parent
START = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
RUN_ID = "20260115-093000-demo"
_PYTEST_TIME = re.compile(r" in \d+\.\d+s")


def fixed_clock() -> Any:
    """ISO timestamps 0.4 s apart, from :data:`START`."""
    ticks = itertools.count()
    return lambda: (START + timedelta(seconds=0.4 * next(ticks))).isoformat()


def normalise(record: dict[str, Any], root: str) -> dict[str, Any]:
    """Make one trace line independent of the machine, the path and the timing."""
    text = json.dumps(record).replace(root, "~/textstats")
    record = json.loads(text)
    data = record["data"]
    kind = record["event_type"]
    if kind == "workflow_start":
        data["run_id"] = RUN_ID
    if kind == "verify_run":
        data["duration_s"] = 1.2 if "pytest" in data["command"] else 0.1
        for key in ("stdout", "stderr"):
            data[key] = _PYTEST_TIME.sub(" in 0.61s", data[key])
    if kind == "llm_call":
        data["duration_s"] = round(0.8 + data["completion_tokens"] / 250, 1)
        record["duration_ms"] = data["duration_s"] * 1000
    return record


def settle_durations(records: list[dict[str, Any]]) -> None:
    """Task and run durations: the sum of their parts, plus a little overhead."""
    per_task: dict[str, float] = {}
    for record in records:
        data = record["data"]
        if record["event_type"] in ("verify_run", "llm_call") and data.get("task_id"):
            per_task[data["task_id"]] = per_task.get(data["task_id"], 0.0) + data["duration_s"]
        if record["event_type"] == "task_end":
            data["duration_s"] = round(per_task.get(data["task_id"], 0.0) + 0.2, 1)
        if record["event_type"] == "workflow_end":
            data["duration_s"] = round(sum(per_task.values()) + 4.1, 1)


def record(name: str, auto_retry: bool) -> None:
    """Run the demo once and write its normalised trace to ``HERE / name``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "textstats"
        cassette = prepare_demo(root)
        flags = {"llm.replay": str(cassette), "run.auto_retry": auto_retry}
        settings = load_settings(root, flags=flags)
        bus = EventBus(clock=fixed_clock())
        result = Orchestrator(Project.at(root), settings, bus=bus).run()
        records = [normalise(r, str(root.resolve())) for r in read_trace(Path(result.trace_path))]
        settle_durations(records)
        (HERE / name).write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        plan = (root / "PLAN.md").read_text("utf-8")
        (HERE / "demo_plan.md").write_text(plan, "utf-8")


if __name__ == "__main__":
    record("demo_run.jsonl", auto_retry=True)
    record("demo_run_failed.jsonl", auto_retry=False)
