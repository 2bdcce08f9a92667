"""Running benchmarks, collecting their figures, printing the table, writing JSON."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One row of the table: a measured figure against its target.

    ``measured`` is None when the figure could not be measured (``note`` says why);
    ``target`` None means the row is shown for information only. Lower is better.
    ``stat`` says how ``measured`` comes from ``samples`` (``median``, ``p95``,
    ``max``), so a repeated row can pool both runs' samples. ``runs`` holds the value
    of each run of the row (two when a miss was measured again), ``load`` the
    1-minute load average when each run started and ended.
    """

    name: str
    unit: str
    target: float | None
    measured: float | None
    samples: list[float] = field(default_factory=list)
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    stat: str = "median"
    runs: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``pass``, ``FAIL``, ``noisy``, ``info`` or ``n/a``.

        ``noisy``: the first run missed the target, the repeat's pooled samples meet
        it, so runs straddle the target. A pooled miss stays ``FAIL``: never hidden.
        """
        if self.measured is None:
            return "n/a"
        if self.target is None:
            return "info"
        if self.measured > self.target:
            return "FAIL"
        return "noisy" if any(run > self.target for run in self.runs) else "pass"

    def pooled_with(self, again: Figure) -> Figure:
        """This row measured twice: both runs' samples pooled, the statistic recomputed."""
        if self.measured is None or again.measured is None:
            return self if again.measured is None else again
        samples = [*self.samples, *again.samples]
        measured = statistic(self.stat, samples) if samples else again.measured
        if not math.isfinite(self.measured) or not math.isfinite(again.measured):
            measured = max(self.measured, again.measured)  # e.g. LLM calls made: a hard fail
        runs = [*(self.runs or [self.measured]), *(again.runs or [again.measured])]
        note = again.note if again.note.startswith("FAILED") else self.note
        return Figure(
            self.name, self.unit, self.target, measured, samples, note,
            {**self.details, "repeat": again.details}, self.stat, runs, [*self.load, *again.load],
        )  # fmt: skip


def statistic(stat: str, samples: Sequence[float]) -> float:
    """``median``, ``p95`` (nearest rank) or ``max`` of ``samples``."""
    if stat == "p95":
        ordered = sorted(samples)
        rank = max(1, -(-len(ordered) * 95 // 100))
        return float(ordered[int(rank) - 1])
    if stat == "max":
        return float(max(samples))
    return float(statistics.median(samples))


@dataclass(frozen=True)
class Options:
    """How the suite runs: ``quick`` = each benchmark once at a tiny size."""

    quick: bool = False
    repeat: int | None = None  # overrides each benchmark's own repeat count

    def times(self, default: int) -> int:
        """How many measured runs a benchmark does."""
        if self.quick:
            return 1
        return self.repeat or default

    def size(self, full: int, tiny: int) -> int:
        """A workload size: ``full`` normally, ``tiny`` with ``--quick``."""
        return tiny if self.quick else full


Benchmark = Callable[[Options], list[Figure]]


def median_figure(
    name: str,
    unit: str,
    target: float | None,
    samples: Sequence[float],
    note: str = "",
    **details: Any,
) -> Figure:
    """A figure whose value is the median of ``samples``."""
    values = [float(s) for s in samples]
    median = statistics.median(values)
    return Figure(name, unit, target, median, values, note, dict(details), runs=[median])


def not_measured(name: str, unit: str, target: float | None, why: str) -> Figure:
    """A row that could not be measured, saying why."""
    return Figure(name, unit, target, None, note=why)


def ensure_bytecode() -> None:
    """Compile the project's modules, as installing it does (pip writes ``.pyc`` files).

    Commands are timed in subprocesses whose environment may say
    ``PYTHONDONTWRITEBYTECODE=1`` (the tests' does): without this, a checkout that never
    wrote bytecode would recompile ~140 modules in every timed command, a cost no
    installed copy has. Compiling is not timed.
    """
    import compileall

    for package in ("sago_tui", "benchmarks", "tests"):
        compileall.compile_dir(REPO_ROOT / package, quiet=1)


def load_now() -> float:
    """The 1-minute load average now (NaN where the system has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")


def load_info() -> dict[str, Any]:
    """The machine and how busy it is (benchmarks on a shared box are noisy)."""
    try:
        load1, load5, load15 = os.getloadavg()
    except OSError:
        load1 = load5 = load15 = float("nan")
    return {
        "cpus": os.cpu_count(),
        "loadavg": [round(load1, 2), round(load5, 2), round(load15, 2)],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_child(case: str, payload: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    """Run ``python -m benchmarks.child CASE`` with ``payload``; its JSON answer.

    A fresh process per measurement: cold start and peak memory are the case's own.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", case, json.dumps(payload)],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"benchmark child {case} failed ({done.returncode}): {tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def format_value(value: float | None, unit: str) -> str:
    """``0.123 s``, ``12.3 ms``, ``210 MB``."""
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}".strip()


def format_load(load: Sequence[float]) -> str:
    """``2.1→3.4`` (start→end of the row), ``2.1→3.4, 3.0→2.2`` when it ran twice."""
    pairs = [load[i : i + 2] for i in range(0, len(load), 2)]
    return ", ".join("→".join(f"{value:.1f}" for value in pair) for pair in pairs) or "-"


def format_range(fig: Figure) -> str:
    """``min–max`` of the samples (or of the runs, for a p95 row), the spread to judge."""
    values = fig.samples if fig.stat != "p95" else fig.runs
    if fig.measured is None or len(values) < 2:
        return "-"
    low, high = (format_value(v, fig.unit).split()[0] for v in (min(values), max(values)))
    return f"{low}–{high} {fig.unit}"


def print_table(figures: Sequence[Figure], info: dict[str, Any], out: Any = None) -> None:
    """The result table, plain text (it goes into CI logs and the CHANGELOG)."""
    stream = out or sys.stdout
    rows = [("figure", "target", "measured", "runs", "min–max", "load 1 min", "result")]
    for fig in figures:
        target = "—" if fig.target is None else f"≤ {format_value(fig.target, fig.unit)}"
        runs = str(len(fig.samples)) if fig.samples else "-"
        if len(fig.runs) > 1:
            runs += f" ({len(fig.runs)} runs)"
        rows.append(
            (
                fig.name, target, format_value(fig.measured, fig.unit), runs, format_range(fig),
                format_load(fig.load), fig.verdict,
            )
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(),
            file=stream,
        )
        if index == 0:
            print("  ".join("-" * width for width in widths), file=stream)
    notes = [(fig.name, fig.note) for fig in figures if fig.note]
    for name, note in notes:
        print(f"note: {name.strip()}: {note}", file=stream)
    repeated = [fig.name.strip() for fig in figures if len(fig.runs) > 1 and fig.target]
    if repeated:
        print(
            "measured twice, samples pooled (a row of the same benchmark missed its target "
            f"the first time; noisy = the runs straddle the target): {', '.join(repeated)}",
            file=stream,
        )
    load = info.get("loadavg")
    print(
        f"machine: {info.get('cpus')} CPUs, load average {load} (start) → "
        f"{info.get('loadavg_end')} (end), Python {info.get('python')}",
        file=stream,
    )


def write_json(figures: Sequence[Figure], info: dict[str, Any], path: Path) -> None:
    """Everything measured, for the CHANGELOG and for comparing runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": info,
        "figures": [{**asdict(fig), "verdict": fig.verdict} for fig in figures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
