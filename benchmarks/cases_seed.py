"""sago-tui against sago 0.1.0 (the seed) on the same 20+1 parallel workload, side by side.

sago 0.1.0 is installed from PyPI once into ``benchmarks/.cache/`` (``pip install
--target``, its own code only plus the two libraries it needs that sago-tui does not
ship: typer and tenacity) and runs on this interpreter, so both tools use the same
litellm. It reads ``LLM_MODEL``/``LLM_API_KEY`` (pydantic-settings) and passes no base
URL to litellm, which then takes ``OPENAI_API_BASE`` from the environment. Parallel
tasks are its ``ENABLE_PARALLEL_EXECUTION`` switch: ``asyncio.gather`` over the loop's
default thread pool, i.e. at most ``min(32, CPUs + 4)`` requests at once. It infers
dependencies from files (a task depends on the task whose first file it lists), so the
dependent task lists the file of task 1.1 after its own, for both tools.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sago_tui.core.plan import Task
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.plan_writer import render_plan
from tests.llm_server import TEST_API_KEY, FakeLLMServer, RecordedRequest, Reply, file_answer

from .cases import workdir
from .harness import Figure, Options, not_measured
from .projects import sago_executable, server_env, task_file, write_project

SEED = "sago==0.1.0"
CACHE = Path(__file__).resolve().parent / ".cache" / "sago-0.1.0"
_TASK_ID = re.compile(r"Write the files for task (\S+) \(|^ID: (\S+)$", re.MULTILINE)
TARGET_RATIO = 0.6  # issue: sago-tui at most 0.6x the seed's wall time


def install_seed() -> Path | str:
    """The folder holding sago 0.1.0 (installed once), or why it cannot be installed."""
    marker = CACHE / ".complete"
    if marker.exists():
        return CACHE
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    steps = (
        [*pip, "--no-deps", "--target", str(CACHE), SEED],
        # Its other dependencies are sago-tui's own (pydantic-settings, rich, dotenv,
        # litellm); typer and tenacity are not, and go next to it.
        [*pip, "--target", str(CACHE), "--upgrade", "typer>=0.12", "tenacity>=8.2"],
    )
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"cannot install {SEED}: {exc}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"cannot install {SEED} (offline?): {tail[0][:160]}"
    marker.write_text(SEED + "\n")
    return CACHE


def write_workload(root: Path, independent: int) -> None:
    """``independent`` one-file tasks, then one that depends on task 1.1 (both tools
    see the dependency: ``depends_on`` for sago-tui, the shared file for the seed)."""
    write_project(root, independent, phases=1)
    plan, _ = load_plan(root / "PLAN.md")
    phase = plan.phases[0]
    dependent = f"1.{independent + 1}"
    phase.tasks.append(
        Task(id=dependent, name=f"Write module {dependent}",
             files=[task_file(dependent), task_file("1.1")],
             action=f"Create {task_file(dependent)} using value() of {task_file('1.1')}.",
             verify="true", done="value() exists.", depends_on=["1.1"], phase=phase.name)
    )  # fmt: skip
    (root / "PLAN.md").write_text(render_plan(plan), encoding="utf-8")


def _module(task_id: str) -> str:
    return f'"""Module {task_id}."""\n\n\ndef value() -> str:\n    return "{task_id}"\n'


def seed_server(delay: float, dependent: str) -> FakeLLMServer:
    """The loopback model for both tools: the files of whichever task the prompt names
    (the ``dependent`` task's answer also carries task 1.1's file, which it lists)."""
    fake = FakeLLMServer().start()

    def respond(request: RecordedRequest) -> Reply:
        found = _TASK_ID.search(request.prompt_text)
        if found is None:
            return Reply(status=400, error_message="no task in this prompt")
        task_id = found.group(1) or found.group(2)
        files = {task_file(task_id): _module(task_id)}
        if task_id == dependent:
            files[task_file("1.1")] = _module("1.1")
        return Reply(content=file_answer(files), usage=(800, 60), delay=delay)

    fake.responder = respond
    return fake


def _timed(args: list[str], env: dict[str, str], cwd: Path, ok: str | None = None) -> float:
    """Wall time of a command that must succeed (``ok``: a line that proves success
    despite the exit status: sago 0.1.0's ``execute`` exits 1 even when every task passed,
    its ``typer.Exit(0)`` being caught by its own ``except Exception``)."""
    start = time.monotonic()
    done = subprocess.run(
        args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    wall = time.monotonic() - start
    if done.returncode != 0 and (ok is None or ok not in done.stdout):
        tail = (done.stderr + done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(args[0]).name} … exited {done.returncode}: {tail}")
    return wall


def run_tool(tool: str, seed: Path, delay: float, independent: int) -> tuple[float, int]:
    """Wall time of one whole command of ``tool`` on a fresh workload, and its requests."""
    with workdir() as tmp, seed_server(delay, f"1.{independent + 1}") as fake:
        root = tmp / "p"
        write_workload(root, independent)
        env = server_env(fake, tmp / "home")
        if tool == "seed":
            env |= {
                "PYTHONPATH": f"{seed}{os.pathsep}{env['PYTHONPATH']}",
                "OPENAI_API_BASE": fake.base_url, "OPENAI_API_KEY": TEST_API_KEY,
                "ENABLE_PARALLEL_EXECUTION": "true", "ENABLE_GIT_COMMITS": "false",
            }  # fmt: skip
            code = "import sys; from sago.cli import app; sys.argv[0] = 'sago'; app()"
            args = [sys.executable, "-c", code, "execute", "--path", str(root)]
        else:
            args = [*sago_executable(), "--headless", str(root), "--parallel", str(independent)]
        ok = "All tasks completed successfully" if tool == "seed" else None
        wall = _timed(args, env, root, ok)
        requests = fake.request_count
    if requests != independent + 1:
        raise RuntimeError(f"{tool}: {requests} LLM requests for {independent + 1} tasks")
    return wall, requests


def versus_seed(options: Options) -> list[Figure]:
    """sago-tui's wall time ÷ sago 0.1.0's, 20 independent tasks + 1 dependent at 1 s."""
    name = "20+1 tasks at 1 s, parallel: sago-tui wall ÷ sago 0.1.0 wall"
    if options.quick:
        return [not_measured(name, "×", TARGET_RATIO, "skipped with --quick (installs sago "
                             "0.1.0 from PyPI); run without --quick")]  # fmt: skip
    seed = install_seed()
    if isinstance(seed, str):
        return [not_measured(name, "×", TARGET_RATIO, seed)]
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(options.times(3)):  # alternating, so both see the same load
        theirs.append(run_tool("seed", seed, 1.0, 20)[0])
        ours.append(run_tool("sago-tui", seed, 1.0, 20)[0])
    ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
    ratio = sorted(ratios)[len(ratios) // 2]
    pool = min(32, (os.cpu_count() or 1) + 4)
    return [
        Figure(name, "×", TARGET_RATIO, round(ratio, 3), [round(r, 3) for r in ratios],
               f"sago-tui {min(ours):.1f}–{max(ours):.1f} s, sago 0.1.0 {min(theirs):.1f}–"
               f"{max(theirs):.1f} s (same litellm); sago 0.1.0 runs at most {pool} requests "
               "at once (its default thread pool)",
               details={"sago_tui_s": ours, "sago_0_1_0_s": theirs}),
    ]  # fmt: skip


SUITE_SEED = (("vs_seed", versus_seed),)
"""The side-by-side row, last: it is the slowest and may install sago 0.1.0."""
