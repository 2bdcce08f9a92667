"""``kill -9`` of a headless run at several points, then a re-run (DESIGN.md §6 "Resume").

The re-run must finish the plan without asking the LLM again for tasks that had
passed (the server counts requests per task), STATE.md must parse after every kill,
and every file on disk must be whole: either absent or exactly what an answer held.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sago_tui.core.project import Project
from sago_tui.core.state import TaskStatus
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    files_under,
    run_headless,
    sago_command,
    server_env,
    state_of,
    task,
    write_project,
)

pytestmark = pytest.mark.slow

A = {"a.py": "A = 1\n"}
B = {"b.py": "B = 2\n"}
D = {"d.py": "D = 4\n"}


@contextlib.contextmanager
def headless(project: Project, env: dict[str, str], tmp: Path) -> Iterator[subprocess.Popen[str]]:
    """A running ``sago-tui --headless`` process; killed (SIGKILL) on exit if still alive."""
    out = (tmp / "run.out").open("w")
    proc = subprocess.Popen(
        sago_command("--headless", str(project.root)),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        out.close()


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    """Poll ``condition`` until true; fail if the run ends first or nothing happens for 60 s."""
    deadline = time.monotonic() + 60
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)


def kill9(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no handler, no cleanup, no ``finally`` in the engine runs."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def assert_files_whole(root: Path, expected: dict[str, str]) -> None:
    """Each expected file is absent or holds exactly the answer's content."""
    for name, content in expected.items():
        path = root / name
        if path.exists():
            assert path.read_text() == content, f"{name} is not whole"


def big_files(count: int, size: int) -> dict[str, str]:
    """``count`` files of about ``size`` bytes each, every one with distinct content."""
    line = "value = '{}' * 8  # padding to make the file large\n"
    lines_per_file = size // len(line)
    return {
        f"big/f{n:02d}.py": "".join(line.format(f"{n}-{i}") for i in range(lines_per_file))
        for n in range(count)
    }


def test_kill_9_at_three_points_then_resume(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    """One plan, four runs: killed during an LLM call, during file writes, during a
    verify; the fourth run finishes. Each kill is checked, then the next run resumes."""
    big = big_files(24, 400_000)
    verify_d = 'test -f go || { echo $$ > verify.pid; sleep 60; }; python -c "import d"'
    project = write_project(
        tmp_path / "p",
        [
            task("1.1", ["a.py"], verify='python -c "import a"'),
            task("1.2", ["b.py"], verify='python -c "import b"'),
            task("1.3", list(big), verify="test -d big"),
            task("1.4", ["d.py"], verify=verify_d),
        ],
    )
    responder = TaskResponder(
        {
            "1.1": Reply(content=file_answer(A)),
            # The first answer for 1.2 never comes in time: the run is killed while waiting.
            "1.2": [Reply(content=file_answer(B), delay=60), Reply(content=file_answer(B))],
            # Big enough (~10 MB in 24 files, each fsynced) that a kill lands mid-way.
            "1.3": Reply(content=file_answer(big), chunk_chars=256_000, usage=(100, 100)),
            "1.4": Reply(content=file_answer(D)),
        }
    )
    llm_server.responder = responder
    # Unsandboxed: the test reads the verify's PID, a PID-namespace number in a sandbox.
    env = server_env(tmp_path, llm_server, SAGO_SANDBOX="off")
    expected = {**A, **B, **big, **D}
    trace = project.latest_trace_path  # rewritten by every run

    # 1. Killed while the LLM call of 1.2 is in flight.
    with headless(project, env, tmp_path) as proc:
        wait_until(lambda: responder.counts.get("1.2") == 1, proc, "the request for 1.2")
        kill9(proc)
    state = state_of(project)
    assert state.records["1.1"].status == TaskStatus.PASSED
    assert "1.2" not in state.records
    assert state.current_task.startswith("1.2")
    assert not (project.root / "b.py").exists()
    assert_files_whole(project.root, expected)

    # 2. Resumed, then killed right after the first file of 1.3 was written.
    def big_write_traced() -> bool:
        with contextlib.suppress(FileNotFoundError):
            return '"path": "big/' in trace.read_text(errors="replace")
        return False

    with headless(project, env, tmp_path) as proc:
        wait_until(big_write_traced, proc, "the first file_write of 1.3")
        kill9(proc)
    state = state_of(project)
    assert state.records["1.2"].status == TaskStatus.PASSED and "1.3" not in state.records
    assert_files_whole(project.root, expected)
    assert any((project.root / name).exists() for name in big)  # the trace said so
    # The only debris a SIGKILL may leave is an unrenamed temp file, never a real one.
    leftovers = {p for p in files_under(project.root) if p.startswith("big/")} - set(big)
    assert all(Path(p).name.startswith(".") and p.endswith(".tmp") for p in leftovers)

    # 3. Resumed, then killed while the verify of 1.4 sleeps.
    pid_file = project.root / "verify.pid"
    with headless(project, env, tmp_path) as proc:
        wait_until(pid_file.exists, proc, "the verify of 1.4")
        kill9(proc)
    # The verify dies with sago-tui; killing its group again is a harmless safety net.
    with contextlib.suppress(ProcessLookupError, ValueError):
        os.killpg(int(pid_file.read_text().strip() or 0), signal.SIGKILL)
    state = state_of(project)
    assert state.records["1.3"].status == TaskStatus.PASSED
    assert "1.4" not in state.records  # never verified, so never recorded as passed
    assert_files_whole(project.root, expected)

    # 4. The last run finishes the plan; nothing that had passed is asked for again.
    (project.root / "go").write_text("")
    done = run_headless(project, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert responder.counts == {"1.1": 1, "1.2": 2, "1.3": 2, "1.4": 2}
    ids = ("1.1", "1.2", "1.3", "1.4")
    assert {t: r.status for t, r in state_of(project).records.items()} == dict.fromkeys(
        ids, TaskStatus.PASSED
    )
    assert_files_whole(project.root, expected)
    assert all((project.root / name).exists() for name in expected)
    # Cached tasks are reported as such, and each task appears once in STATE.md.
    for cached in ("1.1", "1.2", "1.3"):
        assert f"= {cached} cached" in done.stdout
    lines = project.state_path.read_text().splitlines()
    for tid in ids:
        assert sum(f"] {tid}: " in line for line in lines) == 1
