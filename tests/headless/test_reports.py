"""``--junit``, ``--json``, ``$GITHUB_STEP_SUMMARY`` and GitHub annotations from real runs.

One project is run twice (module fixture): the first run passes two tasks, fails one
and skips its dependant; the second finds the two passed tasks in the cache. The
failing verify prints ANSI colour, a ``::warning::`` line, ``%``, ``:`` and ``,``
and the API key, so escaping and redaction are exercised by real output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from tests.headless.junit_rules import check_junit
from tests.headless.support import ANSI, T, base_env, headless, make_project, write_cassette
from tests.llm_server import TEST_API_KEY

FAILING_VERIFY = (
    "python -c \"import sys; print('line one'); print(chr(27) + '[31mred alert' + chr(27) + '[0m');"
    " print('::warning::injected'); sys.exit('assert: 50% failed, badly, key "
    + TEST_API_KEY
    + "')\""
)
PHASES = [
    [
        T("1.1", ["out/a.txt"], verify="test -f out/a.txt", name="Write a"),
        T("1.2", ["out/b.txt"], verify=FAILING_VERIFY, name="Parse 50% of <input>, then: done"),
        T("1.3", ["out/c.txt"], verify="test -f out/c.txt", name="Write c"),
    ],
    [T("2.1", ["out/d.txt"], depends_on=["1.2"], name="Use b")],
]


@dataclass
class Run:
    proc: CompletedProcess[str]
    junit: Path
    json: Path


@dataclass
class Runs:
    first: Run
    second: Run
    summary: Path
    workspace: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    tmp = tmp_path_factory.mktemp("reports")
    root = make_project(tmp / "proj", PHASES)
    cassette = write_cassette(tmp / "answers.json", PHASES)
    env = base_env(tmp, {"LLM_API_KEY": TEST_API_KEY})
    summary = tmp / "step_summary.md"
    summary.write_text("# earlier step\n")
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
              "GITHUB_WORKSPACE": str(tmp)}  # fmt: skip
    done = []
    for number, extra in ((1, {}), (2, github)):
        junit, out = tmp / f"junit{number}.xml", tmp / f"run{number}.json"
        flags = ("--replay", cassette, "--continue-on-failure", "--junit", junit, "--json", out)
        done.append(Run(headless(root, {**env, **extra}, *flags), junit, out))
    return Runs(done[0], done[1], summary, tmp)


def cases(path: Path) -> tuple[TestSuite, dict[str, TestCase]]:
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 1
    return suites[0], {case.name: case for case in suites[0]}


def test_both_runs_exit_1_and_write_every_report(runs: Runs) -> None:
    for run in (runs.first, runs.second):
        assert run.proc.returncode == 1, run.proc.stdout + run.proc.stderr
        assert run.junit.exists() and run.json.exists()
        check_junit(run.junit)


def test_junit_of_the_first_run(runs: Runs) -> None:
    suite, by_name = cases(runs.first.junit)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 1, 0, 1)
    assert list(by_name) == ["1.1 Write a", "1.2 Parse 50% of <input>, then: done",
                             "1.3 Write c", "2.1 Use b"]  # fmt: skip
    passed = by_name["1.1 Write a"]
    assert passed.is_passed and passed.classname == "Phase 1: Part 1"
    assert passed.time >= 0
    assert "verify: test -f out/a.txt" in (passed.system_out or "")
    skipped = by_name["2.1 Use b"]
    assert isinstance(skipped.result[0], Skipped)
    assert "dependency 1.2 failed" in (skipped.result[0].message or "")


def test_junit_failure_and_cached_tasks_of_the_second_run(runs: Runs) -> None:
    suite, by_name = cases(runs.second.junit)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 1, 0, 3)
    failed = by_name["1.2 Parse 50% of <input>, then: done"]
    (failure,) = failed.result
    assert isinstance(failure, Failure)
    assert "\n" not in (failure.message or "")
    assert "50% failed, badly" in (failure.message or "")
    assert "red alert" in (failure.text or "") and "line one" in (failure.text or "")
    assert "verify: python -c" in (failed.system_out or "")
    for name in ("1.1 Write a", "1.3 Write c"):
        (skip,) = by_name[name].result
        assert isinstance(skip, Skipped) and "cached" in (skip.message or "")
    properties = {p.name: p.value for p in suite.properties()}
    assert properties["model"] == "gpt-4o"
    assert properties["exit_code"] == "1"
    assert re.fullmatch(r"\d{8}-\d{6}-\w+", properties["run_id"])
    assert float(properties["cost_usd"]) > 0


def test_json_document(runs: Runs) -> None:
    doc = json.loads(runs.first.json.read_text())
    assert doc["schema"] == "sago-tui/run-report" and doc["version"] == 1
    assert (doc["exit_code"], doc["exit_status"], doc["success"]) == (1, "task_failed", False)
    assert doc["reason"] == "failed: 1.2" and doc["model"] == "gpt-4o"
    assert doc["totals"] | {"tokens": 0, "cost_usd": 0, "estimated_cost_usd": 0} == {
        "tasks": 4, "passed": 2, "failed": 1, "cached": 0, "skipped": 1, "not_run": 0,
        "attempts": 3, "tokens": 0, "cost_usd": 0, "estimated_cost_usd": 0,
        "duration_s": doc["duration_s"], "cached_tokens": 0,
    }  # fmt: skip
    assert doc["totals"]["tokens"] == 3 * 150 and doc["totals"]["cost_usd"] > 0
    tasks = {task["id"]: task for task in doc["tasks"]}
    assert [t["status"] for t in doc["tasks"]] == ["passed", "failed", "passed", "skipped"]
    b = tasks["1.2"]
    assert b["attempts"] == 1 and b["tokens"] == 150 and b["cost_usd"] > 0
    assert b["estimated_cost_usd"] > 0 and b["duration_s"] > 0
    assert b["files"] == ["out/b.txt"] and b["files_written"] == ["out/b.txt"]
    assert b["verify"]["passed"] is False and b["verify"]["exit_code"] == 1
    assert "red alert" in b["verify"]["output_tail"] and ANSI not in b["verify"]["output_tail"]
    assert b["error"].startswith(b["category"])
    assert tasks["2.1"]["verify"]["passed"] is None
    second = json.loads(runs.second.json.read_text())
    assert [t["status"] for t in second["tasks"]] == ["cached", "failed", "cached", "skipped"]


def test_step_summary_is_appended(runs: Runs) -> None:
    text = runs.summary.read_text()
    assert text.startswith("# earlier step\n")
    assert text.count("sago-tui run") == 1  # only the second run had the variable
    assert "### ❌ sago-tui run: failed (exit 1, task_failed)" in text
    assert "| | Task | Name | Phase | Status |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
    icons = [row.split("|")[1].strip() for row in rows]
    assert icons == ["♻️", "❌", "♻️", "⏭️"]
    assert "Parse 50% of &lt;input&gt;, then: done" in text  # no raw HTML from task names
    assert "**Totals:** 2 cached · 1 failed · 1 skipped" in text
    assert "<details><summary>❌ 1.2" in text and "red alert" in text


def test_annotations_only_under_github_actions_and_escaped(runs: Runs) -> None:
    assert "::error" not in runs.first.proc.stdout
    lines = [line for line in runs.second.proc.stdout.splitlines() if line.startswith("::")]
    assert len(lines) == 1, lines
    (line,) = lines
    head, message = line[len("::error ") :].split("::", 1)
    props = dict(part.split("=", 1) for part in head.split(","))
    assert props["file"] == "proj/out/b.txt"
    assert props["title"] == "sago-tui%3A task 1.2 failed%3A Parse 50%25 of <input>%2C then%3A done"
    assert "50%25 failed, badly" in message and "%0A" in message
    assert "\r" not in line and ANSI not in line
    assert "verify%3A" not in message  # the message escapes only %, CR and LF
    # The tool's own "::warning::" line is logged behind a "| " prefix, never at a line start.
    assert "    | ::warning::injected" in runs.second.proc.stdout


def test_no_api_key_in_any_output_or_report(runs: Runs) -> None:
    texts = [runs.summary.read_text()]
    for run in (runs.first, runs.second):
        texts += [run.proc.stdout, run.proc.stderr, run.junit.read_text(), run.json.read_text()]
    assert all(TEST_API_KEY not in text for text in texts)
    assert "[REDACTED]" in runs.first.json.read_text()


def test_a_run_error_without_failed_task_is_a_junit_error(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root = make_project(tmp_path / "proj", PHASES)
    cassette = write_cassette(tmp_path / "answers.json", PHASES)
    junit = tmp_path / "j.xml"
    proc = headless(root, env, "--replay", cassette, "--max-cost", "0.000001", "--junit", junit)
    assert proc.returncode == 4
    check_junit(junit)
    suite, by_name = cases(junit)
    assert (suite.tests, suite.errors, suite.skipped, suite.failures) == (5, 1, 4, 0)
    (error,) = by_name["sago-tui run"].result
    assert isinstance(error, Error) and "budget reached" in (error.message or "")
