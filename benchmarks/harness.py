"""Running benchmarks, collecting their figures, printing the table, writing JSON."""

from __future__ import annotations

import json
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
    """

    name: str
    unit: str
    target: float | None
    measured: float | None
    samples: list[float] = field(default_factory=list)
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """``pass``, ``FAIL``, ``info`` or ``n/a``."""
        if self.measured is None:
            return "n/a"
        if self.target is None:
            return "info"
        return "pass" if self.measured <= self.target else "FAIL"


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
    return Figure(name, unit, target, statistics.median(values), values, note, dict(details))


def not_measured(name: str, unit: str, target: float | None, why: str) -> Figure:
    """A row that could not be measured, saying why."""
    return Figure(name, unit, target, None, note=why)


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


def print_table(figures: Sequence[Figure], info: dict[str, Any], out: Any = None) -> None:
    """The result table, plain text (it goes into CI logs and the CHANGELOG)."""
    stream = out or sys.stdout
    rows = [("figure", "target", "measured", "runs", "result")]
    for fig in figures:
        target = "—" if fig.target is None else f"≤ {format_value(fig.target, fig.unit)}"
        runs = str(len(fig.samples)) if fig.samples else "-"
        rows.append((fig.name, target, format_value(fig.measured, fig.unit), runs, fig.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)),
            file=stream,
        )
        if index == 0:
            print("  ".join("-" * width for width in widths), file=stream)
    notes = [(fig.name, fig.note) for fig in figures if fig.note]
    for name, note in notes:
        print(f"note: {name}: {note}", file=stream)
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
