"""Verify commands that misbehave: background children, timeouts, floods (DESIGN.md §5.4).

Each runs as a task's ``<verify>`` through a real in-process run, so the whole path
(run_verify → classification → events → STATE.md) is exercised.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sago_tui.core.errors import ExitCode
from sago_tui.core.state import TaskStatus
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    run_in_process,
    state_of,
    task,
    write_project,
)

ANSWER = Reply(content=file_answer({"a.py": "A = 1\n"}))
# These verifies write their PIDs for the test to check: inside the sandbox those would
# be PID-namespace numbers. The sandboxed case is in tests/integration/test_verify_lifetime.py.
UNSANDBOXED = "off"


def alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (killed, not yet reaped by init) counts as dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def read_pid(path: Path) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ValueError):
            return int(path.read_text().strip())
        time.sleep(0.01)
    raise AssertionError(f"{path} was never written")


def wait_gone(pid: int, within: float = 10.0) -> bool:
    """True once ``pid`` has died, polling for at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_timeout_kills_the_whole_group_including_grandchildren(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    # The shell starts a background grandchild (its own pid in gc.pid), then sleeps.
    verify = "sh -c 'echo $$ > gc.pid; exec sleep 300' & echo $$ > sh.pid; sleep 300"
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify=verify)])
    llm_server.responder = TaskResponder({"1.1": ANSWER})

    run = run_in_process(project, llm_server, verify_timeout=1.0, sandbox=UNSANDBOXED)

    shell, grandchild = read_pid(project.root / "sh.pid"), read_pid(project.root / "gc.pid")
    try:
        assert run.result.exit_code == ExitCode.TASK_FAILED
        (verify_event,) = run.of_type("verify_run")
        assert verify_event.timed_out is True  # type: ignore[attr-defined]
        assert verify_event.category == "timeout"  # type: ignore[attr-defined]
        record = state_of(project).records["1.1"]
        assert record.status == TaskStatus.FAILED and record.error.startswith("timeout")
        # Both die with the group: nothing is left running behind the run (a bounded
        # wait, since SIGKILL lands asynchronously on a loaded machine).
        assert wait_gone(shell)
        assert wait_gone(grandchild)
    finally:
        for pid in (shell, grandchild):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_background_child_left_after_success_is_killed(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """A verify that passes but leaves a server running in the background."""
    verify = "sh -c 'echo $$ > gc.pid; exec sleep 300' & sleep 0.2; exit 0"
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify=verify)])
    llm_server.responder = TaskResponder({"1.1": ANSWER})

    run = run_in_process(project, llm_server, verify_timeout=30.0, sandbox=UNSANDBOXED)

    grandchild = read_pid(project.root / "gc.pid")
    try:
        assert run.result.exit_code == ExitCode.OK, run.result.reason
        assert wait_gone(grandchild)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(grandchild, signal.SIGKILL)


def test_child_that_escapes_the_group_does_not_hang_the_run(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """``setsid`` leaves our process group (no group kill can reach it) while holding
    the output pipes open; the run must still finish instead of waiting for EOF."""
    verify = "setsid sh -c 'echo $$ > gc.pid; exec sleep 300' & sleep 0.2; exit 0"
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify=verify)])
    llm_server.responder = TaskResponder({"1.1": ANSWER})
    finished = threading.Event()

    def watchdog() -> None:
        # A hang would block pytest until its global timeout; fail quickly and loudly.
        if not finished.wait(60):
            os.kill(read_pid(project.root / "gc.pid"), signal.SIGKILL)

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        run = run_in_process(project, llm_server, verify_timeout=30.0, sandbox=UNSANDBOXED)
    finally:
        finished.set()
        with contextlib.suppress(ProcessLookupError, AssertionError):
            os.kill(read_pid(project.root / "gc.pid"), signal.SIGKILL)
    assert run.result.exit_code == ExitCode.OK, run.result.reason


def _status_kb(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert found is not None
    return int(found.group(1))


@contextlib.contextmanager
def peak_rss_growth() -> Iterator[list[int]]:
    """Yields a one-item list that receives the peak RSS growth (bytes) of this process.

    The kernel's high-water mark is reset first (``clear_refs``), so the peak is exact;
    where that is not allowed, RSS is sampled every 5 ms instead.
    """
    out: list[int] = []
    base = _status_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")
        exact = True
    except OSError:
        exact = False
    samples = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            samples.append(_status_kb("VmRSS"))

    sampler = threading.Thread(target=sample, daemon=True)
    if not exact:
        sampler.start()
    try:
        yield out
    finally:
        stop.set()
        if not exact:
            sampler.join()
        peak = _status_kb("VmHWM") if exact else max(samples)
        out.append((peak - base) * 1024)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_100_mb_of_verify_output_stays_in_bounded_memory(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    verify = (
        "head -c 100000000 /dev/zero | tr '\\0' 'x'; "
        "echo; echo 'AssertionError: the real reason is at the end' >&2; exit 1"
    )
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify=verify)])
    llm_server.responder = TaskResponder({"1.1": ANSWER})

    # Warm up: the first LLM call of a process loads litellm, the openai SDK and the
    # tokenizer (~300 MB); none of that is the verify's doing, so keep it out of the window.
    warm_up = write_project(tmp_path / "warm", [task("1.1", ["a.py"], verify="true")])
    run_in_process(warm_up, llm_server)
    with peak_rss_growth() as growth:
        run = run_in_process(project, llm_server, verify_timeout=120.0)

    assert run.result.exit_code == ExitCode.TASK_FAILED
    # Kept: a 256 KB head+tail per stream. Keeping it all would cost 100 MB of bytes and
    # as much again decoded; the bound sits well below that.
    assert growth[0] < 50 * 1024 * 1024, f"RSS grew by {growth[0] / 1e6:.0f} MB"
    (verify_event,) = run.of_type("verify_run")
    # What is kept is capped (head + tail), and the reason at the end survives.
    assert len(verify_event.stdout) < 100_000  # type: ignore[attr-defined]
    record = state_of(project).records["1.1"]
    assert "the real reason is at the end" in record.error
    assert len(project.state_path.read_text()) < 20_000
    trace = project.latest_trace_path
    assert trace.stat().st_size < 2_000_000
