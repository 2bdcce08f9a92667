"""Every benchmark runs once at a tiny size, so the suite cannot rot.

No timing is asserted (benchmarks/ measures; tests do not): only that each figure of
DESIGN.md §9 is produced as a number, or is honestly reported as not measurable
(the TUI figures while the app cannot be imported).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from benchmarks.harness import Options
from benchmarks.runner import main, run_suite

# One row per line of DESIGN.md §9 (names as the suite prints them, at quick sizes).
SECTION_9 = (
    "`sago-tui --help`",
    "first TUI frame",
    "orchestration overhead per task",
    "independent tasks",
    "fully cached re-run",
    "--dry-run",
    "UI under",
    "peak RSS",
    "first LLM request after start",
    "process exit after the run's last event",
    "task adding a function to a 300-line file",
    "NOT served by a prompt cache",
)


def test_every_benchmark_runs_and_produces_numbers() -> None:
    figures, crashed = run_suite(Options(quick=True), log=False)

    assert crashed == []
    for row in SECTION_9:
        matching = [f for f in figures if row in f.name]
        assert matching, f"no figure for §9 row {row!r}"
        for figure in matching:
            if figure.measured is None:  # allowed only for a TUI that is not there yet
                assert figure.note.startswith("not measured yet: TUI not present"), figure
                continue
            assert math.isfinite(figure.measured), figure
            # A difference (first request minus the bare import) may be negative: the
            # run imports litellm faster than a bare import does.
            assert figure.measured >= 0 or "minus" in figure.name, figure
            assert figure.samples and figure.target is not None
            assert figure.verdict in ("pass", "FAIL", "noisy")
    # The engine never called the LLM for a cached re-run or a dry run.
    for figure in figures:
        if "llm_requests" in figure.details:
            assert figure.details["llm_requests"] == 0, figure


def test_command_line_writes_the_json_report(tmp_path: Path, capsys: object) -> None:
    report = tmp_path / "latest.json"

    assert main(["--quick", "--only", "help,dry_run", "--json", str(report)]) == 0

    document = json.loads(report.read_text())
    assert document["machine"]["cpus"] and len(document["machine"]["loadavg"]) == 3
    names = [figure["name"] for figure in document["figures"]]
    assert names[0] == "`sago-tui --help`" and any("--dry-run" in name for name in names)
    assert all(figure["verdict"] in ("pass", "FAIL", "noisy") for figure in document["figures"])
    assert all(len(figure["load"]) == 2 for figure in document["figures"])
