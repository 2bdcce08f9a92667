"""Helpers shared by the reliability suite: projects, runs (in-process and headless), answers.

Two ways to run the engine against :class:`~tests.llm_server.FakeLLMServer`:

- :func:`run_in_process` builds an :class:`Orchestrator` with a real
  :class:`LiteLLMClient` (tiny backoff) and collects every event; litellm is imported
  once per pytest process, so these runs cost milliseconds.
- :func:`run_headless` starts ``python -m sago_tui --headless`` as a subprocess with an
  isolated environment (no user config, no inherited secrets); needed wherever the real
  process matters: exit codes, stderr, ``kill -9``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sago_tui.core.bus import EventBus
from sago_tui.core.events import Event
from sago_tui.core.llm import LiteLLMClient
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.outcome import RunResult
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_writer import render_plan
from sago_tui.core.project import Project
from sago_tui.core.settings import RunOptions, Settings
from sago_tui.core.state import StateSnapshot, parse_state
from sago_tui.core.trace import read_trace
from tests.llm_server import FakeLLMServer, RecordedRequest, Reply, env_for, settings_for
from tests.subprocess_env import isolated_env as clean_subprocess_env
from tests.subprocess_env import run_sago

_TASK_PROMPT = re.compile(r"Write the files for task (\S+) \(")
_FIX_PROMPT = re.compile(r"^Task (\S+): ", re.MULTILINE)


def task(
    task_id: str,
    files: Sequence[str],
    *,
    verify: str = "true",
    depends_on: Sequence[str] = (),
    action: str = "Write the files.",
) -> Task:
    """A plan task with sensible defaults (the phase is filled in by :func:`write_project`)."""
    return Task(
        id=task_id,
        name=f"Task {task_id}",
        files=list(files),
        action=action,
        verify=verify,
        done="Done.",
        depends_on=list(depends_on),
    )


def write_project(root: Path, phases: Sequence[Sequence[Task]] | Sequence[Task]) -> Project:
    """A sago project at ``root``: spec files, STATE.md and a PLAN.md with ``phases``.

    ``phases`` is either a list of tasks (one phase) or a list of lists of tasks.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "PROJECT.md").write_text("# Reliability\n\nA project for fault tests.\n")
    (root / "REQUIREMENTS.md").write_text("* [ ] **REQ-1:** it works\n")
    groups: list[list[Task]]
    if phases and isinstance(phases[0], Task):
        groups = [list(phases)]  # type: ignore[arg-type]
    else:
        groups = [list(group) for group in phases]  # type: ignore[arg-type]
    plan = Plan()
    for number, tasks in enumerate(groups, 1):
        name = f"Phase {number}"
        for item in tasks:
            item.phase = name
        plan.phases.append(Phase(name=name, description="Tasks.", tasks=tasks))
    (root / "PLAN.md").write_text(render_plan(plan), encoding="utf-8")
    return Project.at(root)


def task_of(request: RecordedRequest) -> str | None:
    """The task id a task or fix request is about (None for plan/init calls)."""
    text = request.prompt_text
    found = _TASK_PROMPT.search(text) or _FIX_PROMPT.search(text)
    return found.group(1) if found else None


def file_answer(files: Mapping[str, str]) -> str:
    """An answer in the ``=== FILE:`` format (re-exported for brevity)."""
    from tests.llm_server import file_answer as build

    return build(files)


@dataclass
class TaskResponder:
    """A server responder: a fixed (or queued) reply per task, and a request count per task.

    ``replies[task_id]`` is either one :class:`Reply` (answered every time) or a list
    consumed in order (the last one repeats).
    """

    replies: dict[str, Reply | list[Reply]]
    counts: dict[str, int] = field(default_factory=dict)

    def __call__(self, request: RecordedRequest) -> Reply:
        task_id = task_of(request) or "?"
        self.counts[task_id] = self.counts.get(task_id, 0) + 1
        found = self.replies.get(task_id)
        if found is None:
            return Reply(content="no such task", status=400)
        if isinstance(found, list):
            index = min(self.counts[task_id] - 1, len(found) - 1)
            return found[index]
        return found


def files_answers(files_by_task: Mapping[str, Mapping[str, str]], **reply: Any) -> TaskResponder:
    """A responder answering each task with its files."""
    return TaskResponder(
        {tid: Reply(content=file_answer(files), **reply) for tid, files in files_by_task.items()}
    )


@dataclass
class InProcessRun:
    """What :func:`run_in_process` returns."""

    result: RunResult
    events: list[Event]

    def of_type(self, event_type: str) -> list[Event]:
        return [e for e in self.events if e.event_type == event_type]


def run_in_process(
    project: Project,
    server: FakeLLMServer,
    *,
    retries: int = 2,
    timeout: float = 10.0,
    sinks: Sequence[Callable[[Event], None]] = (),
    **run_options: Any,
) -> InProcessRun:
    """Run the project's plan through the real client stack, in this process.

    ``sinks`` are subscribed to the bus besides the event collector (e.g. a
    :class:`~sago_tui.headless.HeadlessPrinter`).
    """
    llm = settings_for(server, retries=retries, timeout=timeout)
    settings = Settings(llm=llm, run=RunOptions(**run_options))
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    for sink in sinks:
        bus.subscribe(sink)
    client = LiteLLMClient(llm, backoff_base=0.01, backoff_cap=0.05)
    result = Orchestrator(project, settings, bus=bus, client=client).run(plan_if_missing=False)
    return InProcessRun(result, events)


def isolated_env(tmp: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A minimal environment for a subprocess: no user config, no inherited secrets."""
    return clean_subprocess_env(tmp / "home", {"NO_COLOR": "1", **(extra or {})})


def server_env(tmp: Path, server: FakeLLMServer, **extra: str) -> dict[str, str]:
    """:func:`isolated_env` pointing at ``server``, with fast retries."""
    return isolated_env(tmp, {**env_for(server, LLM_RETRIES="2", LLM_TIMEOUT="20"), **extra})


def sago_command(*args: str) -> list[str]:
    """The argv of ``python -m sago_tui ARGS``."""
    return [sys.executable, "-m", "sago_tui", *args]


def run_cli(
    args: Sequence[str], env: Mapping[str, str], *, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``sago-tui ARGS`` to completion (stdin closed) and capture its output."""
    return run_sago(args, env, cwd=cwd, timeout=timeout)


def run_headless(
    project: Project | Path, env: Mapping[str, str], *flags: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``sago-tui --headless PATH FLAGS`` to completion."""
    root = project.root if isinstance(project, Project) else project
    return run_cli(["--headless", str(root), *flags], env, timeout=timeout)


def state_of(project: Project) -> StateSnapshot:
    """STATE.md parsed (it must always parse)."""
    return parse_state(project.state_path.read_text(encoding="utf-8"))


def trace_records(project: Project) -> list[dict[str, Any]]:
    """Every record of the latest run's trace."""
    return list(read_trace(project.latest_trace_path))


def all_trace_records(project: Project) -> list[dict[str, Any]]:
    """Every record of every run's trace."""
    records: list[dict[str, Any]] = []
    for path in sorted(project.traces_dir.glob("*.jsonl")):
        records.extend(read_trace(path))
    return records


def files_under(root: Path) -> set[str]:
    """Every file below ``root`` (relative, ``/``-separated), symlinks not followed."""
    found: set[str] = set()
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            found.add(Path(dirpath, name).relative_to(root).as_posix())
    return found


def no_temp_files(root: Path, ignore: Iterable[str] = (".planning",)) -> list[str]:
    """Leftover atomic-write temp files (``.name.*.tmp``) outside ``ignore``."""
    skipped = tuple(ignore)
    return sorted(
        path for path in files_under(root) if path.endswith(".tmp") and not path.startswith(skipped)
    )
