"""Synthetic projects and the loopback LLM for the benchmarks."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_writer import render_plan
from sago_tui.core.project import Project
from tests.llm_server import TEST_API_KEY, FakeLLMServer, RecordedRequest, Reply, file_answer
from tests.subprocess_env import isolated_env

_TASK_ID = re.compile(r"Write the files for task (\S+) \(")


def task_file(task_id: str) -> str:
    """The one file a synthetic task writes."""
    return f"src/mod_{task_id.replace('.', '_')}.py"


def write_project(
    root: Path, tasks: int, *, phases: int = 5, verify: str = "true", depends: bool = False
) -> Project:
    """A project with ``tasks`` independent tasks over ``phases`` phases.

    Each task writes one file and has a plausible action, so prompts and the plan
    tree look like a real plan's. ``depends`` chains each task to the previous one
    of its phase (shows dependency edges in the UI; no effect on the engine here).
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "PROJECT.md").write_text(
        "# Benchmark project\n\nA synthetic project with many small modules.\n\n"
        "## Stack\n\nPython 3.11, standard library only.\n",
        encoding="utf-8",
    )
    (root / "REQUIREMENTS.md").write_text(
        "".join(f"* [ ] **REQ-{n}:** module {n} exists\n" for n in range(1, 11)),
        encoding="utf-8",
    )
    per_phase = max(1, -(-tasks // phases))
    plan = Plan()
    made = 0
    for number in range(1, phases + 1):
        phase = Phase(name=f"Phase {number}: Modules", description="Small modules.")
        previous: str | None = None
        for index in range(1, per_phase + 1):
            if made == tasks:
                break
            task_id = f"{number}.{index}"
            phase.tasks.append(
                Task(
                    id=task_id,
                    name=f"Write module {task_id}",
                    files=[task_file(task_id)],
                    action=(
                        f"Create {task_file(task_id)} with a function value() returning "
                        f"{made} and a docstring explaining what the module is for."
                    ),
                    verify=verify,
                    done=f"value() returns {made}.",
                    depends_on=[previous] if depends and previous else [],
                    phase=phase.name,
                )
            )
            previous = task_id
            made += 1
        if phase.tasks:
            plan.phases.append(phase)
    (root / "PLAN.md").write_text(render_plan(plan), encoding="utf-8")
    return Project.at(root)


def answer_for(request: RecordedRequest) -> Reply:
    """The loopback LLM's answer: the file of whichever task the prompt names."""
    found = _TASK_ID.search(request.prompt_text)
    if found is None:
        return Reply(content="no task in this prompt", status=400)
    task_id = found.group(1)
    body = f'"""Module {task_id}."""\n\n\ndef value() -> str:\n    return "{task_id}"\n'
    return Reply(content=file_answer({task_file(task_id): body}), usage=(800, 60))


def server(delay: float = 0.0) -> FakeLLMServer:
    """A started loopback server answering every task, after ``delay`` seconds."""
    fake = FakeLLMServer().start()

    def respond(request: RecordedRequest) -> Reply:
        reply = answer_for(request)
        reply.delay = delay
        return reply

    fake.responder = respond
    return fake


def server_env(fake: FakeLLMServer, home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a ``sago-tui`` subprocess talking to ``fake``."""
    llm = {
        "LLM_PROVIDER": "openai",
        "LLM_MODEL": "gpt-4o",
        "LLM_API_BASE": fake.base_url,
        "LLM_API_KEY": TEST_API_KEY,
        "LOG_LEVEL": "WARNING",
    }
    return isolated_env(home, {**llm, **extra})


def sago_executable() -> list[str]:
    """The installed ``sago-tui`` console script, or ``python -m sago_tui``."""
    script = Path(sys.executable).with_name("sago-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sago_tui"]


def timed_command(
    args: Sequence[str], env: Mapping[str, str], *, cwd: Path | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of one command, and its result (which must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(
        list(args),
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr + done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(args[:3])}… exited {done.returncode}: {tail}")
    return elapsed, done
