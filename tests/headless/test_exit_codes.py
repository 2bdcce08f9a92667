"""Every documented exit code (DESIGN.md §2) from a real ``--headless`` process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.headless.junit_rules import check_junit
from tests.headless.support import T, headless, make_project, no_traceback, write_cassette

ONE_PASSING = [[T("1.1", ["out/a.txt"], verify="test -f out/a.txt")]]


def project(tmp_path: Path, phases: list[list[T]]) -> tuple[Path, Path]:
    """A project with PLAN.md and a cassette answering each task."""
    root = make_project(tmp_path / "proj", phases)
    return root, write_cassette(tmp_path / "answers.json", phases)


def test_exit_0_when_every_task_passes(tmp_path: Path, env: dict[str, str]) -> None:
    root, cassette = project(tmp_path, ONE_PASSING)
    proc = headless(root, env, "--replay", cassette)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ 1.1 passed" in proc.stdout
    assert "1 passed" in proc.stdout
    assert (root / "out/a.txt").read_text() == "# 1.1\n"


def test_a_report_that_cannot_be_written_keeps_the_exit_code(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path, ONE_PASSING)
    (tmp_path / "blocker").write_text("a file, not a directory")
    proc = headless(root, env, "--replay", cassette, "--json", tmp_path / "blocker/run.json")
    assert proc.returncode == 0
    assert "could not write the JSON report" in proc.stderr
    no_traceback(proc)


def test_exit_1_when_a_task_fails(tmp_path: Path, env: dict[str, str]) -> None:
    verify = "python -c \"import sys; sys.exit('widget is broken')\""
    root, cassette = project(tmp_path, [[T("1.1", ["out/a.txt"], verify=verify)]])
    proc = headless(root, env, "--replay", cassette)
    assert proc.returncode == 1
    assert "widget is broken" in proc.stdout
    assert "result: failed: 1.1 (exit 1)" in proc.stdout


def test_exit_2_for_a_broken_plan_still_writes_the_reports(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path, ONE_PASSING)
    plan = (root / "PLAN.md").read_text()
    (root / "PLAN.md").write_text(plan.replace("</phase>", _duplicate_task(), 1))
    out = tmp_path / "run.json"
    proc = headless(root, env, "--replay", cassette, "--json", out, "--junit", tmp_path / "j.xml")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "1.1" in proc.stdout and "duplicate" in (proc.stdout + proc.stderr).lower()
    no_traceback(proc)
    document = json.loads(out.read_text())
    assert (document["exit_code"], document["exit_status"]) == (2, "bad_input")
    assert "duplicate" in document["reason"].lower()
    check_junit(tmp_path / "j.xml")


def _duplicate_task() -> str:
    return (
        '    <task id="1.1"><name>Again</name><files>out/b.txt</files>'
        "<action>a</action><verify>true</verify><done>d</done></task>\n  </phase>"
    )


def test_exit_2_for_a_directory_that_is_not_a_project(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "empty").mkdir()
    proc = headless(tmp_path / "empty", env, "--json", tmp_path / "run.json")
    assert proc.returncode == 2
    assert "not a sago-tui project" in proc.stderr
    assert not (tmp_path / "run.json").exists()  # no run, no result: nothing to report
    no_traceback(proc)


def test_exit_4_when_the_budget_is_reached(tmp_path: Path, env: dict[str, str]) -> None:
    root, cassette = project(tmp_path, ONE_PASSING)
    out = tmp_path / "run.json"
    proc = headless(root, env, "--replay", cassette, "--max-cost", "0.000001", "--json", out)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "budget reached" in proc.stdout
    document = json.loads(out.read_text())
    assert document["exit_status"] == "budget_reached"
    assert document["max_cost_usd"] == 0.000001
    assert [t["status"] for t in document["tasks"]] == ["not_run"]
    assert not (root / "out/a.txt").exists()


def test_exit_130_on_sigint_with_reports(tmp_path: Path, env: dict[str, str]) -> None:
    verify = "python -c \"import pathlib, time; pathlib.Path('started').touch(); time.sleep(60)\""
    root, cassette = project(tmp_path, [[T("1.1", ["out/a.txt"], verify=verify)]])
    out = tmp_path / "run.json"
    args = ["--headless", root, "--replay", cassette, "--json", out, "--junit", tmp_path / "j.xml"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sago_tui", *map(str, args)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (root / "started").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the verify command never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stdout + stderr
    document = json.loads(out.read_text())
    assert (document["exit_code"], document["exit_status"]) == (130, "interrupted")
    assert [t["status"] for t in document["tasks"]] == ["not_run"]
    error = check_junit(tmp_path / "j.xml").find("testsuite/testcase/error")
    assert error is not None and error.attrib["type"] == "interrupted"
