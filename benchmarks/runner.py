"""The suite's driver: run the benchmarks, print the table, write the JSON."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

# Before anything imports litellm: never fetch its price map from the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from benchmarks.cases import SUITE, cleanup
from benchmarks.cases_cost import SUITE_COST
from benchmarks.harness import (
    RESULTS_DIR,
    Figure,
    Options,
    load_info,
    not_measured,
    print_table,
    write_json,
)

SUITE = (*SUITE, *SUITE_COST)


def run_suite(
    options: Options, only: Sequence[str] | None = None, log: bool = True
) -> tuple[list[Figure], list[str]]:
    """Every selected benchmark's figures, and the names of those that crashed."""
    figures: list[Figure] = []
    crashed: list[str] = []
    try:
        _run_each(options, only, log, figures, crashed)
    finally:
        cleanup()
    return figures, crashed


def _run_each(
    options: Options,
    only: Sequence[str] | None,
    log: bool,
    figures: list[Figure],
    crashed: list[str],
) -> None:
    """Run the selected benchmarks in §9 order, appending to ``figures``/``crashed``."""
    for name, benchmark in SUITE:
        if only and name not in only:
            continue
        if log:
            print(f"running {name}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            figures.extend(benchmark(options))
        except Exception as exc:  # one broken benchmark must not hide the others
            crashed.append(name)
            traceback.print_exc(file=sys.stderr)
            figures.append(not_measured(name, "", None, f"crashed: {type(exc).__name__}: {exc}"))
        if log:
            print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def main(argv: Sequence[str]) -> int:
    """Run the suite; exit 1 when a benchmark crashed (a missed target is not a crash)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="each benchmark once, tiny sizes")
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(n for n, _ in SUITE))
    parser.add_argument("--repeat", type=int, help="measured runs per benchmark")
    parser.add_argument(
        "--json", type=Path, default=RESULTS_DIR / "latest.json", help="where to write results"
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    unknown = set(only or ()) - {name for name, _ in SUITE}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    info = load_info()
    info["quick"] = args.quick
    figures, crashed = run_suite(Options(quick=args.quick, repeat=args.repeat), only)
    info["loadavg_end"] = load_info()["loadavg"]
    print_table(figures, info)
    write_json(figures, info, args.json)
    print(f"results: {args.json}")
    return 1 if crashed else 0
