"""Cost and dead-time figures of DESIGN.md §9: first request, exit, edits, prompt caches.

The loopback LLM here behaves like a model that follows the prompt: when the system
text offers ``=== EDIT:`` it answers an extend-a-file task with an edit, otherwise
with the whole file; usage is counted with the real o200k tokenizer, and with
``ms_per_token`` it generates at a fixed speed, so output tokens cost wall time as
they do with a real provider.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from sago_tui.core.bus import EventBus
from sago_tui.core.events import Event, LLMCalled
from sago_tui.core.llm import LiteLLMClient
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_writer import render_plan
from sago_tui.core.project import Project
from sago_tui.core.prompt_cache import MIN_CACHEABLE_TOKENS
from sago_tui.core.settings import RunOptions, Settings
from sago_tui.core.tokens import count_tokens
from tests.llm_server import FakeLLMServer, RecordedRequest, Reply, file_answer

from .cases import llm_settings, warm_up, workdir
from .harness import Figure, Options, median_figure
from .projects import sago_executable, server, server_env, write_project

MODEL = "gpt-4o"
_TASK = re.compile(r"Write the files for task \S+ \(Add double to (mod\d+)\)")


def module_text(name: str, functions: int) -> str:
    """A plausible module of ``functions`` small functions (5 lines each)."""
    return "".join(
        f'def {name}_{n}(value: int) -> int:\n    """Step {n} of {name}."""\n'
        f"    return value + {n}\n\n\n"
        for n in range(functions)
    )


def extend_answer(request: RecordedRequest, name: str, current: str) -> str:
    """What a prompt-following model answers to "add ``double`` to ``name``.py"."""
    path = f"{name}.py"
    added = "def double(value: int) -> int:\n    return 2 * value\n"
    if "=== EDIT:" not in request.messages[0].get("content", ""):
        return file_answer({path: current.rstrip("\n") + "\n\n\n" + added})
    last = current.rstrip("\n").splitlines()[-3:]
    anchor = "\n".join(last) + "\n"
    return (
        f"=== EDIT: {path} ===\n```python\n<<<<<<< SEARCH\n{anchor}=======\n"
        f"{anchor}\n\n{added}>>>>>>> REPLACE\n```\n"
    )


def brownfield_project(root: Path, files: int, functions: int) -> tuple[Project, dict[str, str]]:
    """A project with ``files`` existing modules and one task per module adding a function."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "PROJECT.md").write_text("# Brownfield\n\nAn existing code base.\n")
    (root / "REQUIREMENTS.md").write_text("* [ ] **REQ-1:** every module has double()\n")
    modules = {f"mod{n}": module_text(f"mod{n}", functions) for n in range(files)}
    phase = Phase(name="Phase 1: Extend", description="Add double() everywhere.")
    for number, (name, text) in enumerate(modules.items(), 1):
        (root / f"{name}.py").write_text(text)
        phase.tasks.append(
            Task(id=f"1.{number}", name=f"Add double to {name}", files=[f"{name}.py"],
                 action=f"Add a function double(value) returning 2 * value to {name}.py.",
                 verify=f'{sys.executable} -c "import {name}; assert {name}.double(2) == 4"',
                 done="double() exists.", phase=phase.name)
        )  # fmt: skip
    (root / "PLAN.md").write_text(render_plan(Plan(phases=[phase])))
    return Project.at(root), modules


def paced_server(modules: dict[str, str], ms_per_token: float) -> FakeLLMServer:
    """The loopback model: real token counts, ``ms_per_token`` of generation time."""
    fake = FakeLLMServer().start()

    def respond(request: RecordedRequest) -> Reply:
        found = _TASK.search(request.prompt_text)
        if found is None:
            return Reply(status=400, error_message="no task in this prompt")
        name = found.group(1)
        content = extend_answer(request, name, modules[name])
        prompt = sum(count_tokens(str(m.get("content") or ""), MODEL) for m in request.messages)
        output = count_tokens(content, MODEL)
        return Reply(content=content, usage=(prompt, output), delay=output * ms_per_token / 1000)

    fake.responder = respond
    return fake


def run_brownfield(options: Options, edit_format: str) -> tuple[float, float, list[LLMCalled]]:
    """Wall time, cost and calls of the brownfield workload with ``edit_format``."""
    files = options.size(5, 2)
    with workdir() as tmp:
        project, modules = brownfield_project(tmp / "p", files, 60)
        with paced_server(modules, 10.0 if not options.quick else 1.0) as fake:
            llm = llm_settings(fake)
            llm = dataclasses.replace(llm, edit_format=edit_format)
            events: list[Event] = []
            bus = EventBus()
            bus.subscribe(events.append)
            run = RunOptions(parallel=files)
            orchestrator = Orchestrator(
                project, Settings(llm=llm, run=run), bus=bus, client=LiteLLMClient(llm)
            )
            start = time.perf_counter()
            result = orchestrator.run(plan_if_missing=False)
            wall = time.perf_counter() - start
        if result.exit_code != 0:
            raise RuntimeError(f"brownfield run failed: {result.reason}")
    return wall, result.cost_usd, [e for e in events if isinstance(e, LLMCalled)]


def edits(options: Options) -> list[Figure]:
    """Output tokens of an extend-a-file task, and the brownfield workload, edits on/off."""
    warm_up()
    figures: list[Figure] = []
    measured: dict[str, tuple[float, float, list[LLMCalled]]] = {}
    for edit_format in ("auto", "whole"):
        measured[edit_format] = run_brownfield(options, edit_format)
    on, off = measured["auto"], measured["whole"]
    per_task_on = [c.completion_tokens for c in on[2]]
    per_task_off = [c.completion_tokens for c in off[2]]
    figures.append(median_figure(
        "task adding a function to a 300-line file: output tokens", "tok", 150.0, per_task_on,
        f"whole file instead: {int(sum(per_task_off) / len(per_task_off))} tok",
    ))  # fmt: skip
    count = len(per_task_on)
    pace = "10 ms/token" if not options.quick else "1 ms/token"
    figures.append(Figure(
        f"brownfield: {count} extend-a-file tasks at {pace}, edits on: wall", "s", None,
        on[0], [on[0]], f"edits off: {off[0]:.1f} s",
    ))  # fmt: skip
    figures.append(Figure(
        "  same, cost with edits on", "$", None, on[1], [on[1]], f"edits off: ${off[1]:.4f}",
    ))  # fmt: skip
    return figures


def cacheable_share(options: Options) -> list[Figure]:
    """Share of task input tokens (tasks 2…N) a provider's prompt cache can serve, ~3k-token
    spec: the longest prefix each prompt shares with an earlier one, OpenAI's rules."""
    warm_up()
    tasks = options.size(10, 3)
    with workdir() as tmp:
        project = write_project(tmp / "p", tasks, phases=1)
        requirement = "* [ ] **REQ-{n}:** the service validates input {n} and reports errors.\n"
        spec = "".join(requirement.format(n=n) for n in range(1, 181))
        (project.root / "REQUIREMENTS.md").write_text(spec)
        spec_tokens = count_tokens(spec, MODEL)
        with server() as fake:
            llm = llm_settings(fake)
            orchestrator = Orchestrator(
                project, Settings(llm=llm, run=RunOptions()), client=LiteLLMClient(llm)
            )
            orchestrator.run(plan_if_missing=False)
            prompts = [wire_text(r) for r in fake.requests]
    cached = total = 0
    for index, prompt in enumerate(prompts):
        tokens = count_tokens(prompt, MODEL)
        if index == 0:
            continue
        shared = max(len(os.path.commonprefix([prompt, p])) for p in prompts[:index])  # noqa: RUF071
        hit = count_tokens(prompt[:shared], MODEL)
        hit = 0 if hit < MIN_CACHEABLE_TOKENS else hit - hit % 128
        cached += hit
        total += tokens
    share = 100.0 * cached / max(1, total)
    return [
        Figure(
            f"task input tokens NOT served by a prompt cache (spec {spec_tokens:,} tok), tasks 2…N",
            "%", 20.0, round(100.0 - share, 1), [round(100.0 - share, 1)],
            f"cacheable: {share:.0f} % of {total:,} tok over {len(prompts) - 1} tasks",
        )
    ]  # fmt: skip


def wire_text(request: RecordedRequest) -> str:
    """The prompt as the provider tokenizes it: the messages' contents in order."""
    return "\n".join(str(m.get("content") or "") for m in request.messages)


def dead_time(options: Options) -> list[Figure]:
    """First request after ``sago-tui --headless`` starts vs litellm's bare import, and the
    exit after the run's last event; 20 tasks + 1 s latency, ``--parallel 20``."""
    tasks = options.size(20, 3)
    imports, firsts, exits, walls = [], [], [], []
    for _ in range(options.times(3)):
        with workdir() as tmp, server(1.0 if not options.quick else 0.1) as fake:
            project = write_project(tmp / "p", tasks, phases=1)
            env = server_env(fake, tmp / "home")
            # Paired with each run, in the same environment and interpreter: on a shared
            # machine the import time drifts with the load. Start-up plus import, without
            # the interpreter's teardown of litellm (seconds, and not part of an import).
            start = time.monotonic()
            bare = "import os, litellm; os._exit(0)"
            subprocess.run([sys.executable, "-c", bare], check=True, env=env)
            imports.append(time.monotonic() - start)
            args = [*sago_executable(), "--headless", str(project.root), "--parallel", str(tasks)]
            start = time.monotonic()
            done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
            ended_wall, ended = time.time(), time.monotonic()
            if done.returncode != 0:
                raise RuntimeError(f"headless run exited {done.returncode}: {done.stderr[-300:]}")
            firsts.append(min(r.started_at for r in fake.requests) - start)
            walls.append(ended - start)
            last = (project.root / ".planning" / "trace.jsonl").read_text().splitlines()[-1]
            stamp = datetime.fromisoformat(json.loads(last)["timestamp"]).timestamp()
            exits.append(ended_wall - stamp)
    return [
        median_figure(
            "first LLM request after start, minus litellm's bare import", "s", 0.5,
            [first - bare for first, bare in zip(firsts, imports, strict=True)],
            f"first request {statistics.median(firsts):.2f} s; "
            f"bare import {statistics.median(imports):.2f} s (medians)",
        ),
        median_figure("process exit after the run's last event", "s", 0.2, exits),
        median_figure(f"  whole command, {tasks} tasks at 1 s, --parallel {tasks}", "s", None,
                      walls),
    ]  # fmt: skip


SUITE_COST = (
    ("dead_time", dead_time),
    ("edits", edits),
    ("cache_share", cacheable_share),
)
"""The cost and dead-time rows, appended to the suite after the engine rows."""
