"""The benchmarks of DESIGN.md §9, one function per table row (or group of rows).

Engine benchmarks run the orchestrator in this process (litellm imported once, before
any clock starts: its import is excluded by §9's wording); command-line figures time
the real ``sago-tui`` executable; the TUI ones run in a child process each.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sago_tui.core.bus import EventBus
from sago_tui.core.events import Event, LLMCalled, VerifyRan
from sago_tui.core.llm import LiteLLMClient, _load_litellm
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.project import Project
from sago_tui.core.settings import LLMSettings, RunOptions, Secret, Settings
from tests.llm_server import TEST_API_KEY, FakeLLMServer

from .harness import Figure, Options, median_figure, not_measured, run_child
from .projects import sago_executable, server, server_env, timed_command, write_project


@contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sago-bench-") as tmp:
        yield Path(tmp)


def llm_settings(fake: FakeLLMServer) -> LLMSettings:
    """The live client pointed at the loopback server (no retries: none are needed)."""
    return LLMSettings(
        provider="openai",
        model="gpt-4o",
        api_key=Secret(TEST_API_KEY),
        api_base=fake.base_url,
        timeout=60.0,
        retries=0,
    )


_warm = False


def warm_up() -> None:
    """Import litellm and make one call, so no figure pays for either (§9: "plus the
    litellm import"); done once per process."""
    global _warm
    if _warm:
        return
    _load_litellm()
    with workdir(), server() as fake:
        request = LLMRequest(
            messages=(("user", "Write the files for task 1.1 (warm up) now."),), purpose="task"
        )
        LiteLLMClient(llm_settings(fake)).complete(request)
    _warm = True


def run_engine(project: Project, fake: FakeLLMServer, **options: Any) -> tuple[float, list[Event]]:
    """One in-process run of the project's plan: wall time and every event."""
    llm = llm_settings(fake)
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    orchestrator = Orchestrator(
        project, Settings(llm=llm, run=RunOptions(**options)), bus=bus, client=LiteLLMClient(llm)
    )
    start = time.perf_counter()
    result = orchestrator.run(plan_if_missing=False)
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise RuntimeError(f"benchmark run failed: {result.reason}")
    return elapsed, events


# -- command line ------------------------------------------------------------------------------
def help_time(options: Options) -> list[Figure]:
    """``sago-tui --help``: a fresh process each time, median of N."""
    with workdir() as tmp:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        command = [*sago_executable(), "--help"]
        timed_command(command, env)  # page cache warm, as for any second invocation
        samples = [timed_command(command, env)[0] for _ in range(options.times(15))]
    return [median_figure("`sago-tui --help`", "s", 0.25, samples)]


# -- engine ------------------------------------------------------------------------------------
_populated: dict[int, Path] = {}
"""Projects whose plan ran to the end (task count → root), for the cached re-run."""
_scratch: list[Path] = []
"""Directories that outlive one benchmark (the populated projects); see :func:`cleanup`."""


def scratch_dir(prefix: str) -> Path:
    """A temporary directory removed by :func:`cleanup` at the end of the suite."""
    path = Path(tempfile.mkdtemp(prefix=f"sago-bench-{prefix}-"))
    _scratch.append(path)
    return path


def cleanup() -> None:
    """Remove every directory :func:`scratch_dir` made."""
    while _scratch:
        shutil.rmtree(_scratch.pop(), ignore_errors=True)
    _populated.clear()


def orchestration_overhead(options: Options) -> list[Figure]:
    """Per-task cost of everything but the LLM call and the verify, on an N-task plan.

    Overhead = (run wall time − Σ LLM call time − Σ verify time) / tasks, where the LLM
    call time is what the client measured around each call (the litellm stack and the
    loopback server). The same with the server's own time instead is shown for context.
    """
    tasks = options.size(500, 5)
    warm_up()
    overheads: list[float] = []
    with_client: list[float] = []
    for run in range(options.times(3)):
        project = write_project(scratch_dir("overhead") / "p", tasks)
        with server() as fake:
            wall, events = run_engine(project, fake)
            server_s = sum((r.finished_at or r.started_at) - r.started_at for r in fake.requests)
        llm_s = sum(e.duration_s for e in events if isinstance(e, LLMCalled))
        verify_s = sum(e.duration_s for e in events if isinstance(e, VerifyRan))
        overheads.append((wall - llm_s - verify_s) / tasks * 1000)
        with_client.append((wall - server_s - verify_s) / tasks * 1000)
        if run == 0:
            _populated[tasks] = project.root
    return [
        median_figure(f"orchestration overhead per task ({tasks} tasks)", "ms", 15.0, overheads),
        median_figure(
            "  same, counting the client stack as overhead",
            "ms",
            None,
            with_client,
            "(run − server time − verify) / tasks: litellm's own per-call cost included",
        ),
    ]


def parallel_run(options: Options) -> list[Figure]:
    """N independent tasks, each LLM answer taking 1 s, with ``--parallel N``."""
    tasks = options.size(20, 3)
    delay = 1.0 if not options.quick else 0.2
    warm_up()
    samples: list[float] = []
    peaks: list[int] = []
    for _ in range(options.times(3)):
        with workdir() as tmp, server(delay) as fake:
            project = write_project(tmp / "p", tasks, phases=1)
            wall, _ = run_engine(project, fake, parallel=tasks)
            samples.append(wall)
            peaks.append(fake.max_in_flight)
    figures = [
        median_figure(
            f"{tasks} independent tasks, {delay:g} s LLM latency, --parallel {tasks}",
            "s",
            2.5,
            samples,
            f"litellm import excluded; {min(peaks)} calls in flight at peak",
        )
    ]
    if not options.quick:
        with workdir() as tmp, server(delay) as fake:
            project = write_project(tmp / "p", tasks, phases=1)
            wall, _ = run_engine(project, fake, parallel=1)
        figures.append(
            Figure("  same, sequential (--parallel 1)", "s", None, wall, [wall], stat="max")
        )
    return figures


def _populated_project(tasks: int) -> Path:
    """A project whose ``tasks``-task plan has run to the end (every task cached)."""
    if tasks not in _populated:
        warm_up()
        project = write_project(scratch_dir("cached") / "p", tasks)
        with server() as fake:
            run_engine(project, fake)
        _populated[tasks] = project.root
    return _populated[tasks]


def cached_rerun(options: Options) -> list[Figure]:
    """``sago-tui --headless`` on a fully cached N-task plan: the whole command's time."""
    tasks = options.size(500, 5)
    root = _populated_project(tasks)
    samples: list[float] = []
    engine: list[float] = []
    with workdir() as tmp, server() as fake:
        env = server_env(fake, tmp / "home")
        command = [*sago_executable(), "--headless", str(root), "--quiet"]
        for _ in range(options.times(5)):
            wall, _ = timed_command(command, env)
            samples.append(wall)
            engine.append(_last_run_seconds(Project.at(root)))
        requests = fake.request_count
    figures = [
        median_figure(
            f"fully cached re-run, {tasks} tasks (whole command)",
            "s",
            1.0,
            samples,
            f"{requests} LLM requests",
            llm_requests=requests,
        ),
        median_figure("  of which the run itself (workflow_start → end)", "s", None, engine),
    ]
    if requests:
        figures[0].note = f"FAILED: {requests} LLM requests were made (expected 0)"
        figures[0].measured = float("inf")
    return figures


def _last_run_seconds(project: Project) -> float:
    """``duration_s`` of the latest run's ``workflow_end``."""
    import json

    last = project.latest_trace_path.read_text(encoding="utf-8").strip().splitlines()[-1]
    return float(json.loads(last)["data"]["duration_s"])


def dry_run(options: Options) -> list[Figure]:
    """``sago-tui run --dry-run`` on an N-task plan that never ran: the cost table."""
    tasks = options.size(500, 5)
    samples: list[float] = []
    with workdir() as tmp, server() as fake:
        project = write_project(tmp / "p", tasks)
        env = server_env(fake, tmp / "home")
        command = [*sago_executable(), "run", "--path", str(project.root), "--dry-run"]
        for _ in range(options.times(5)):
            wall, done = timed_command(command, env)
            samples.append(wall)
        requests = fake.request_count
        if "No LLM calls were made." not in done.stdout:
            raise RuntimeError("the dry run did not print its closing line")
    figure = median_figure(
        f"--dry-run, {tasks} tasks (whole command)",
        "s",
        1.5,
        samples,
        f"{requests} LLM requests",
        llm_requests=requests,
    )
    if requests:
        figure.note = f"FAILED: {requests} LLM requests were made (expected 0)"
        figure.measured = float("inf")
    return [figure]


# -- TUI ---------------------------------------------------------------------------------------
def first_frame(options: Options) -> list[Figure]:
    """App start → first frame on a 100-task project, in a fresh process each time."""
    tasks = options.size(100, 5)
    name = f"first TUI frame, {tasks}-task project"
    results = [run_child("first_frame", {"tasks": tasks}) for _ in range(options.times(5))]
    if "missing" in results[0]:
        return [not_measured(name, "s", 0.4, f"not measured yet: {results[0]['missing']}")]
    frames = [r["first_frame_s"] for r in results]
    plans = [r["plan_shown_s"] for r in results]
    imports = [r["import_s"] for r in results]
    return [
        median_figure(name, "s", 0.4, frames, "App() → first frame; imports excluded"),
        median_figure("  plan tree filled", "s", None, plans),
        median_figure("  importing the app (excluded above)", "s", None, imports),
    ]


def ui_stress(options: Options) -> list[Figure]:
    """10,000 events/s for 10 s into the running app while keys switch tabs."""
    rate = options.size(10_000, 1_000)
    seconds = 10.0 if not options.quick else 1.0
    tasks = options.size(100, 10)
    name = f"UI under {rate:,} events/s for {seconds:g} s: key-to-screen p95"
    result = run_child("ui_stress", {"rate": rate, "seconds": seconds, "tasks": tasks}, 900)
    if "missing" in result:
        why = f"not measured yet: {result['missing']}"
        return [not_measured(name, "ms", 100.0, why), not_measured("  peak RSS", "MB", 300.0, why)]
    latencies = result["latencies_ms"]
    p95 = _percentile(latencies, 95)
    detail = (
        f"{len(latencies)} key presses, median {statistics.median(latencies):.0f} ms; "
        f"{result['events']:,} events at {result['achieved_rate']:,}/s; "
        f"{result['frames']} frames; drained {result['drain_lag_s']:.2f} s after the last event"
    )
    return [
        Figure(name, "ms", 100.0, p95, latencies, detail, dict(result), stat="p95"),
        Figure(
            "  peak RSS",
            "MB",
            300.0,
            result["peak_rss_mb"],
            [result["peak_rss_mb"]],
            f"after {result['events']:,} events; {result['rss_before_mb']:.0f} MB before them",
            stat="max",
        ),
    ]


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: with few samples it is honest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return float(ordered[int(rank) - 1])


SUITE = (
    ("help", help_time),
    ("first_frame", first_frame),
    ("overhead", orchestration_overhead),
    ("parallel", parallel_run),
    ("cached", cached_rerun),
    ("dry_run", dry_run),
    ("ui_stress", ui_stress),
)
"""Every benchmark, in the order of DESIGN.md §9's table."""
