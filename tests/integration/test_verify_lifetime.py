"""A verify command never outlives sago-tui, and ``sandbox = on`` without bwrap is refused.

``kill -9`` of a real ``sago-tui --headless`` process during a long verify whose
command leaves a background child, a ``setsid`` child and a foreground sleep: every
one of them must be gone shortly after, in the sandbox (bwrap's --die-with-parent and
its PID namespace) and without it (the death-signal guard). Processes are found by a
``sleep`` duration unique to the test, so PID namespaces do not matter.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sago_tui.core.sandbox import probe_bwrap, resolve_sandbox
from sago_tui.core.verify import run_verify
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    run_cli,
    sago_command,
    server_env,
    task,
    write_project,
)

BWRAP = probe_bwrap()
needs_bwrap = pytest.mark.skipif(
    BWRAP.path is None, reason=f"bubblewrap cannot run here: {BWRAP.reason}"
)


def sleepers(seconds: set[str]) -> list[int]:
    """PIDs of ``sleep N`` processes for the given durations (any PID namespace)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            argv = Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        alive = state not in ("Z", "X")
        if alive and argv[:1] == [b"sleep"] and argv[1:2] and argv[1].decode() in seconds:
            found.append(int(name))
    return found


def poll(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Bounded polling: ``condition`` must hold within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def no_bwrap_path(tmp: Path) -> str:
    """A PATH with the tools a verify needs but without bwrap."""
    bin_dir = tmp / "bin-without-bwrap"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("sh", "sleep", "setsid", "cat", "env"):
        found = shutil.which(tool)
        if found and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


@pytest.fixture
def durations() -> Iterator[set[str]]:
    """Three sleep durations no other process on the machine uses; cleaned up after."""
    base = random.randrange(100_000, 900_000)
    chosen = {str(base), str(base + 1), str(base + 2)}
    yield chosen
    for pid in sleepers(chosen):
        os.kill(pid, signal.SIGKILL)


def kill_during_verify(
    tmp_path: Path, server: FakeLLMServer, durations: set[str], env_extra: dict[str, str]
) -> None:
    """Start a headless run, wait for the verify's three sleepers, kill -9 sago-tui."""
    bg, escaped, fg = sorted(durations)
    verify = f"sleep {bg} & setsid sleep {escaped} & sleep {fg}"
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify=verify)])
    server.responder = TaskResponder({"1.1": Reply(content=file_answer({"a.py": "A = 1\n"}))})
    env = server_env(tmp_path, server, **env_extra)
    with (tmp_path / "run.out").open("w") as out:
        proc = subprocess.Popen(
            sago_command("--headless", str(project.root)),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            poll(lambda: len(sleepers(durations)) == 3 or proc.poll() is not None, 60, "verify")
            assert proc.poll() is None, (tmp_path / "run.out").read_text()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    poll(lambda: not sleepers(durations), 15, "every verify process to die with sago-tui")


@needs_bwrap
def test_kill_9_during_a_sandboxed_verify_leaves_nothing_behind(
    tmp_path: Path, llm_server: FakeLLMServer, durations: set[str]
) -> None:
    kill_during_verify(tmp_path, llm_server, durations, {"SAGO_SANDBOX": "on"})


def test_kill_9_during_an_unsandboxed_verify_leaves_nothing_behind(
    tmp_path: Path, llm_server: FakeLLMServer, durations: set[str]
) -> None:
    # Without bwrap on PATH (auto falls back): the death-signal guard does the work.
    path = no_bwrap_path(tmp_path)
    kill_during_verify(tmp_path, llm_server, durations, {"PATH": path})


def test_sandbox_on_without_bwrap_exits_2(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify="true")])
    env = server_env(tmp_path, llm_server, PATH=no_bwrap_path(tmp_path))
    done = run_cli(["--headless", str(project.root), "--sandbox"], env)
    assert done.returncode == 2, done.stdout + done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("sago-tui: error:")]
    assert error == [
        "sago-tui: error: [run] sandbox = on, but bubblewrap (bwrap) is not installed; "
        "install bubblewrap or use --no-sandbox"
    ]
    assert llm_server.request_count == 0  # refused before any LLM call or verify


def test_auto_without_bwrap_says_so_once_and_runs_unsandboxed(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify="true")])
    llm_server.responder = TaskResponder({"1.1": Reply(content=file_answer({"a.py": "A = 1\n"}))})
    env = server_env(tmp_path, llm_server, PATH=no_bwrap_path(tmp_path))
    done = run_cli(["--headless", str(project.root)], env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    said = [line for line in lines if "sandbox" in line]
    assert said == [
        "warning: verify sandbox unavailable: bubblewrap (bwrap) is not installed; "
        "verify runs unsandboxed"
    ]
    assert lines.index(said[0]) == 1  # right under the header


@needs_bwrap
def test_status_and_json_report_say_how_verify_ran(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"], verify="true")])
    llm_server.responder = TaskResponder({"1.1": Reply(content=file_answer({"a.py": "A = 1\n"}))})
    env = server_env(tmp_path, llm_server)
    report = tmp_path / "report.json"
    done = run_cli(["--headless", str(project.root), "--json", str(report)], env)
    assert done.returncode == 0, done.stdout + done.stderr
    header = " ".join(done.stdout.split("\nwarning:")[0].split())  # folded at 120 columns
    assert header.endswith("· 1 tasks · verify sandbox: bubblewrap (no network)"), header
    assert json.loads(report.read_text())["sandbox"] == "bubblewrap (no network)"
    status = run_cli(["status", "--path", str(project.root)], env)
    assert "Verify sandbox: bubblewrap (no network) (run " in status.stdout


@needs_bwrap
def test_the_verify_timeout_kills_the_whole_sandbox(tmp_path: Path, durations: set[str]) -> None:
    bg, escaped, fg = sorted(durations)
    command = f"sleep {bg} & setsid sleep {escaped} & sleep {fg}"
    sandbox = resolve_sandbox("on")
    result = run_verify(command, tmp_path, timeout=1.0, sandbox=sandbox)
    assert result.timed_out and not result.success
    poll(lambda: not sleepers(durations), 10, "every process of the sandbox to be killed")
