"""The suite's verdicts: a miss is measured again, pooled, and never hidden."""

from __future__ import annotations

import io

import pytest

from benchmarks import runner
from benchmarks.harness import Figure, Options, median_figure, print_table


def row(samples: list[float], target: float = 1.0) -> Figure:
    return median_figure("fully cached re-run", "s", target, samples)


def test_pass_fail_and_noisy() -> None:
    assert row([0.5, 0.6, 0.7]).verdict == "pass"
    assert row([1.5, 1.6, 1.7]).verdict == "FAIL"
    # First run missed, the repeat passed well: pooled median passes, runs straddle.
    noisy = row([0.9, 1.2, 1.3]).pooled_with(row([0.5, 0.6, 0.7]))
    assert noisy.measured == pytest.approx(0.8)
    assert noisy.verdict == "noisy"
    assert noisy.runs == [1.2, 0.6]
    # The repeat missed too: a FAIL however close one sample came.
    still = row([0.9, 1.2, 1.3]).pooled_with(row([0.95, 1.4, 1.5]))
    assert still.verdict == "FAIL"


def test_pooling_keeps_the_rows_statistic() -> None:
    first = Figure("UI p95", "ms", 100.0, 150.0, [50.0] * 18 + [150.0] * 2, stat="p95")
    again = Figure("UI p95", "ms", 100.0, 60.0, [50.0] * 19 + [60.0], stat="p95")
    pooled = first.pooled_with(again)
    assert pooled.measured == 60.0  # p95 of the 40 pooled latencies, not their median
    assert pooled.verdict == "noisy"


def test_an_infinite_miss_is_not_pooled_away() -> None:
    """A cached re-run that called the LLM is a hard failure whatever the timing."""
    bad = row([0.5])
    bad.measured = float("inf")
    assert bad.pooled_with(row([0.5])).verdict == "FAIL"


def test_runner_repeats_a_miss_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    values = iter([[1.4, 1.5, 1.6], [0.4, 0.5, 0.6], [9.0]])

    def flaky(options: Options) -> list[Figure]:
        calls.append(1)
        return [row(next(values))]

    monkeypatch.setattr(runner, "SUITE", (("cached", flaky),))
    figures, crashed = runner.run_suite(Options(), log=False)
    assert len(calls) == 2 and crashed == []
    (figure,) = figures
    assert figure.verdict == "noisy" and figure.samples == [1.4, 1.5, 1.6, 0.4, 0.5, 0.6]
    assert len(figure.load) == 4  # load at start and end of each run
    out = io.StringIO()
    print_table(figures, {"cpus": 2, "loadavg": [1, 1, 1], "loadavg_end": [1, 1, 1]}, out)
    text = out.getvalue()
    assert "noisy" in text and "measured twice" in text and "→" in text


def test_quick_runs_never_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def failing(options: Options) -> list[Figure]:
        calls.append(1)
        return [row([5.0])]

    monkeypatch.setattr(runner, "SUITE", (("cached", failing),))
    figures, _ = runner.run_suite(Options(quick=True), log=False)
    assert len(calls) == 1 and figures[0].verdict == "FAIL"
