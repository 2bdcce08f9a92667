"""A full disk stops the run with one line, a failed trace end, reports elsewhere, and resume.

The subprocess test runs on a real 200 KB tmpfs (mounted when the tests run as root);
the in-process test fills a pretend disk through the atomic writer, so it runs anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sago_tui.core import atomic
from sago_tui.core.errors import ExitCode
from sago_tui.core.trace import list_runs
from tests.llm_server import FakeLLMServer
from tests.reliability.support import (
    files_answers,
    run_headless,
    run_in_process,
    server_env,
    state_of,
    task,
    write_project,
)

BIG = "x = 1\n" * 8000  # 48 KB per file: the fourth one does not fit in 200 KB


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 200 KB tmpfs, or a skip where mounting is not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _tasks(count: int) -> list:  # type: ignore[type-arg]
    return [task(f"1.{n}", [f"src/f{n}.py"]) for n in range(1, count + 1)]


def test_disk_full_on_a_real_tmpfs(
    small_disk: Path, tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(small_disk / "proj", _tasks(5))
    llm_server.responder = files_answers({f"1.{n}": {f"src/f{n}.py": BIG} for n in range(1, 6)})
    report = tmp_path / "report.json"  # on another disk: it must still be written
    env = server_env(tmp_path, llm_server)
    proc = run_headless(project, env, "--yes", "--json", str(report))

    assert proc.returncode == ExitCode.TASK_FAILED
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "internal error" not in proc.stdout
    full = [line for line in proc.stdout.splitlines() if "disk full while writing" in line]
    assert full and all("No space" not in line for line in full)
    assert json.loads(report.read_text())["exit_code"] == ExitCode.TASK_FAILED
    # The trace never says "passed": it ends failed, or the run is listed as cut short.
    summary = list_runs(project)[0]
    assert summary.outcome != "passed"
    state = state_of(project)  # STATE.md is whole (where the disk filled up varies)
    assert {r.status.value for r in state.records.values()} <= {"passed", "failed"}
    assert not [p for p in small_disk.rglob("*.tmp")]

    # Room again: the next run resumes (1.1 from the cache) and finishes.
    for name in ("f1.py",):
        (project.root / "src" / name).unlink(missing_ok=True)
    shutil.rmtree(project.traces_dir, ignore_errors=True)
    project.latest_trace_path.unlink(missing_ok=True)
    llm_server.responder = files_answers(
        {f"1.{n}": {f"src/f{n}.py": "x = 1\n"} for n in range(1, 6)}
    )
    again = run_headless(project, env, "--yes")
    assert again.returncode == 0, again.stdout + again.stderr


def test_disk_full_stops_the_run_in_process(
    tmp_path: Path, llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ENOSPC shim: the disk fills after the first task's file is written."""
    project = write_project(tmp_path / "proj", _tasks(3))
    llm_server.responder = files_answers({f"1.{n}": {f"src/f{n}.py": "A = 1\n"} for n in (1, 2, 3)})
    real_write = atomic._write
    full = {"now": False}

    def write(path: Path, data: bytes) -> os.stat_result:
        if full["now"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = real_write(path, data)
        if path.name == "f1.py":
            full["now"] = True
        return written

    monkeypatch.setattr(atomic, "_write", write)
    run = run_in_process(project, llm_server)
    assert run.result.exit_code == ExitCode.TASK_FAILED
    assert run.result.reason.startswith("disk full while writing ")
    statuses = {tid: o.status for tid, o in run.result.outcomes.items()}
    # 1.1's file was written, then its cache entry hit the full disk: the run stops there.
    assert statuses == {"1.1": "failed", "1.2": "not_run", "1.3": "not_run"}
    assert llm_server.request_count == 1  # nothing more was asked once the disk was full
    assert run.result.outcomes["1.1"].tokens > 0  # the paid call is still counted
    errors = [e for e in run.of_type("error") if "disk full" in getattr(e, "message", "")]
    assert len(errors) == 1
    end = run.of_type("workflow_end")[0]
    assert end.success is False and end.exit_code == ExitCode.TASK_FAILED  # type: ignore[attr-defined]
    with contextlib.suppress(FileNotFoundError):
        assert "internal error" not in project.state_path.read_text()
