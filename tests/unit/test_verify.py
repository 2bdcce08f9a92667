"""Running verify commands for real: shell, process group, timeout, cancel, capture."""

from __future__ import annotations

import resource
import sys
import threading
import time
from pathlib import Path

import pytest

from sago_tui.core.cancel import CancelToken
from sago_tui.core.verify import VerifyResult, run_verify

# Generous: these only prove that nothing waited for a 30 s sleep.
WELL_BEFORE_SLEEP_S = 15.0


def _alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (killed, not yet reaped by init) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _gone(pid: int, within: float = 10.0) -> bool:
    """True once ``pid`` has died, polling for at most ``within`` seconds.

    SIGKILL to a group is delivered asynchronously: on a loaded machine a process can
    still show as running for a moment after ``killpg`` returned. This is a bound on a
    wait, not a timing assertion.
    """
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _run(command: str, cwd: Path, **kwargs: object) -> VerifyResult:
    timeout = kwargs.pop("timeout", 20.0)
    assert isinstance(timeout, float)
    return run_verify(command, cwd, timeout=timeout, **kwargs)  # type: ignore[arg-type]


def test_passing_command(tmp_path: Path) -> None:
    result = _run("echo hello", tmp_path)
    assert result.success
    assert (result.exit_code, result.stdout, result.stderr) == (0, "hello\n", "")
    assert result.command == "echo hello"
    assert not (result.timed_out or result.cancelled or result.output_truncated)


def test_failing_command_keeps_both_streams(tmp_path: Path) -> None:
    result = _run("echo out; echo err >&2; exit 3", tmp_path)
    assert not result.success
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert result.combined_output == "out\nerr\n"


def test_shell_features_and_cwd(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data.txt").write_text("b\na\nc\n")
    result = _run("cd sub && sort data.txt | head -n 2 && test -f data.txt", tmp_path)
    assert result.success and result.stdout == "a\nb\n"
    assert _run("pwd", tmp_path).stdout.strip() == str(tmp_path)


def test_stdin_is_closed(tmp_path: Path) -> None:
    result = _run('cat; read line; echo "read=$?"', tmp_path)
    assert result.success
    assert result.stdout == "read=1\n"


def test_undecodable_output_is_replaced(tmp_path: Path) -> None:
    assert _run(r"printf '\377ok'", tmp_path).stdout == "\ufffdok"


def test_empty_command_fails_without_running(tmp_path: Path) -> None:
    result = _run("   ", tmp_path)
    assert not result.success
    assert result.exit_code is None
    assert "empty" in result.stderr


def test_missing_directory_is_a_failed_result(tmp_path: Path) -> None:
    result = _run("true", tmp_path / "nope")
    assert not result.success and result.exit_code is None
    assert "could not start" in result.stderr


def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    # A grandchild that ignores SIGTERM, and one that doesn't; both must die.
    command = (
        "(trap '' TERM; exec sleep 30) & echo $! > stubborn.pid; "
        "sleep 30 & echo $! > child.pid; echo started; sleep 30"
    )
    started = time.monotonic()
    result = _run(command, tmp_path, timeout=1.0)
    assert time.monotonic() - started < WELL_BEFORE_SLEEP_S
    assert result.timed_out and not result.success
    assert result.stdout == "started\n"
    for name in ("stubborn.pid", "child.pid"):
        pid = int((tmp_path / name).read_text())
        assert _gone(pid), name


def test_background_process_holding_pipes_does_not_hang(tmp_path: Path) -> None:
    started = time.monotonic()
    result = _run("sleep 30 & echo $! > bg.pid; echo done", tmp_path)
    assert time.monotonic() - started < WELL_BEFORE_SLEEP_S
    assert result.success and result.stdout == "done\n"
    assert _gone(int((tmp_path / "bg.pid").read_text()))


def test_flood_is_truncated_in_bounded_memory(tmp_path: Path) -> None:
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = _run("yes | head -c 100000000; echo tail-end >&2", tmp_path, output_limit=64_000)
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kb) / 1024
    assert result.success
    assert result.output_truncated
    assert len(result.stdout) < 70_000
    assert result.stdout.startswith("y\ny\n") and result.stdout.endswith("y\n")
    omitted = 100_000_000 - 64_000
    assert f"… [{omitted} bytes omitted] …" in result.stdout
    assert result.stderr == "tail-end\n"
    assert growth_mb < 50


def test_small_output_is_not_truncated(tmp_path: Path) -> None:
    result = _run("seq 1 1000", tmp_path, output_limit=64_000)
    assert not result.output_truncated
    assert result.stdout.splitlines() == [str(n) for n in range(1, 1001)]


def test_cancel_stops_quickly(tmp_path: Path) -> None:
    token = CancelToken()
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    try:
        started = time.monotonic()
        result = _run("sleep 30 & echo $! > c.pid; sleep 30", tmp_path, cancel=token)
    finally:
        timer.cancel()
    assert time.monotonic() - started < WELL_BEFORE_SLEEP_S
    assert result.cancelled and not result.success and not result.timed_out
    assert _gone(int((tmp_path / "c.pid").read_text()))


def test_already_cancelled_token(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    result = _run("sleep 30", tmp_path, cancel=token)
    assert result.cancelled and not result.success


def test_secrets_are_not_visible_to_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-leak")
    monkeypatch.setenv("LLM_API_KEY", "llm-should-not-leak")
    monkeypatch.setenv("FOO_TOKEN", "foo-should-not-leak")
    monkeypatch.setenv("SAGO_VISIBLE", "yes")
    result = _run("env", tmp_path)
    assert result.success
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines()}
    assert {"OPENAI_API_KEY", "LLM_API_KEY", "FOO_TOKEN"}.isdisjoint(names)
    assert "should-not-leak" not in result.stdout
    assert "SAGO_VISIBLE=yes" in result.stdout.splitlines()


def test_explicit_env_is_used_as_given(tmp_path: Path) -> None:
    result = _run('echo "$ONLY_THIS"', tmp_path, env={"ONLY_THIS": "here", "PATH": "/bin"})
    assert result.stdout == "here\n"


def test_command_keeps_default_signal_handling_and_exit_status(tmp_path: Path) -> None:
    # The unsandboxed watcher runs beside the command, not around it: a background job of
    # a non-interactive shell would ignore SIGINT, and a program testing Ctrl-C would fail.
    command = (
        f'{sys.executable} -c "import signal; print(signal.getsignal(signal.SIGINT).__name__)"'
    )
    result = _run(command, tmp_path)
    assert result.stdout.strip() == "default_int_handler"
    assert _run("exit 7", tmp_path).exit_code == 7
    killed = _run("kill -TERM $$", tmp_path)
    assert killed.exit_code == -15  # the shell itself, as with a plain /bin/sh -c


def test_verify_environment_carries_the_marker_but_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:verify-db-pass@h/d")
    result = _run("env", tmp_path)
    assert "verify-db-pass" not in result.stdout
    assert "SAGO_VERIFY_ID=" in result.stdout
