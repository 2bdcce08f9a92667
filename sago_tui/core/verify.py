"""Running a task's verify command (DESIGN.md §5.4).

The command runs through ``/bin/sh -c`` (so ``&&``, pipes and ``cd`` work) in
the project directory, with stdin closed, in its own session and process
group, with secrets removed from its environment, inside the bubblewrap sandbox
when one is given (:mod:`sago_tui.core.sandbox`). At the timeout or on cancel
the whole group gets SIGTERM, then SIGKILL, and then every process still carrying
the run's marker variable (one that left the group with ``setsid``): the seed
killed only the direct child and left grandchildren running. If sago-tui itself
dies, :mod:`sago_tui.core.proc_guard` takes the command with it. Output is
captured in bounded memory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sago_tui.core.cancel import CancelToken
from sago_tui.core.proc_guard import (
    MARKER,
    death_signal_preexec,
    guarded_argv,
    kill_marked,
    new_marker,
)
from sago_tui.core.sandbox import Sandbox
from sago_tui.core.secrets import scrubbed_env

_POLL_S = 0.1  # how often cancellation and the deadline are checked
_GRACE_S = 0.5  # between SIGTERM and SIGKILL
_DRAIN_S = 1.0  # how long to wait for readers once the process group is gone
_CHUNK = 65_536


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of one verify run; ``exit_code`` is None when no process ran."""

    command: str
    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False
    cancelled: bool = False
    output_truncated: bool = False

    @property
    def success(self) -> bool:
        """True when the command exited 0 on its own."""
        return self.exit_code == 0 and not self.timed_out and not self.cancelled

    @property
    def combined_output(self) -> str:
        """stdout followed by stderr."""
        return self.stdout + self.stderr


class _Capture:
    """A stream's output kept in bounded memory: the head, and a rolling tail."""

    def __init__(self, limit: int) -> None:
        self._head_limit = max(limit // 4, 0)
        self._tail_limit = max(limit - self._head_limit, 0)
        self._head = bytearray()
        self._tail = bytearray()
        self._total = 0
        self._lock = threading.Lock()

    def add(self, data: bytes) -> None:
        with self._lock:
            self._total += len(data)
            room = self._head_limit - len(self._head)
            if room > 0:
                self._head += data[:room]
                data = data[room:]
            self._tail += data
            # Trim only when twice over, so the cost of trimming is amortised.
            if len(self._tail) > 2 * self._tail_limit + _CHUNK:
                del self._tail[: len(self._tail) - self._tail_limit]

    def text(self) -> tuple[str, bool]:
        """The captured text and whether anything was left out."""
        with self._lock:
            tail = bytes(self._tail[max(len(self._tail) - self._tail_limit, 0) :])
            omitted = self._total - len(self._head) - len(tail)
            head = bytes(self._head)
        if omitted <= 0:
            return (head + tail).decode("utf-8", errors="replace"), False
        marker = f"\n… [{omitted} bytes omitted] …\n"
        return head.decode("utf-8", "replace") + marker + tail.decode("utf-8", "replace"), True


def _read(stream: IO[bytes], capture: _Capture) -> None:
    """Drain ``stream`` into ``capture`` until EOF (runs in a daemon thread)."""
    with stream:
        fd = stream.fileno()
        while chunk := os.read(fd, _CHUNK):
            capture.add(chunk)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _has_live_member(pgid)


def _has_live_member(pgid: int) -> bool:
    """Whether a process of group ``pgid`` is more than a zombie.

    Killed members that were orphaned (the unsandboxed watcher, whose parent is the
    command) stay zombies until init reaps them, which some container inits never do;
    signalling the group would count them as alive and wait out the grace period.
    """
    try:
        names = os.listdir("/proc")
    except OSError:
        return True
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid).encode() and fields[0] not in (b"Z", b"X"):
            return True
    return False


def _kill_group(pgid: int, proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after a grace period."""
    if not _group_alive(pgid):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE_S
    while time.monotonic() < deadline and _group_alive(pgid):
        if proc.poll() is not None:
            time.sleep(0.01)  # the leader is reaped; the rest of the group is dying
            continue
        # Reap the shell if it is done, or a zombie leader keeps the group "alive".
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _failed(command: str, message: str) -> VerifyResult:
    return VerifyResult(command=command, exit_code=None, stdout="", stderr=message, duration_s=0.0)


def run_verify(
    command: str,
    cwd: Path,
    *,
    timeout: float,
    cancel: CancelToken | None = None,
    env: Mapping[str, str] | None = None,
    output_limit: int = 256_000,
    sandbox: Sandbox | None = None,
) -> VerifyResult:
    """Run ``command`` with ``/bin/sh -c`` in ``cwd`` and return what happened.

    ``output_limit`` bounds the bytes kept per stream (the first quarter and the
    last three quarters; the middle is replaced by a marker). Background processes
    the command leaves behind are killed with it. ``sandbox`` (when active) runs the
    command inside bubblewrap.
    """
    if not command.strip():
        return _failed(command, "verify command is empty; nothing to run\n")
    started = time.monotonic()
    marker = new_marker()
    child_env = {**(scrubbed_env() if env is None else env), MARKER: marker}
    if sandbox is not None and sandbox.active:
        argv = sandbox.wrap(["/bin/sh", "-c", command], cwd)
        # bwrap's --die-with-parent already ties the sandbox to sago-tui's life; without
        # a pre-exec function Python starts bwrap with vfork, not a fork of this process.
        preexec = None
    else:
        argv = guarded_argv(command)  # the watcher takes the rest of the group along
        preexec = death_signal_preexec(signal.SIGKILL)
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env,
            start_new_session=True,
            preexec_fn=preexec,
        )
    except OSError as error:
        return _failed(command, f"could not start verify command in {cwd}: {error}\n")
    captures = (_Capture(output_limit), _Capture(output_limit))
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=_read, args=(stream, capture), daemon=True, name="verify-reader")
        for stream, capture in zip((proc.stdout, proc.stderr), captures, strict=True)
    ]
    for reader in readers:
        reader.start()
    timed_out = cancelled = False
    deadline = started + timeout
    while proc.poll() is None:
        if cancel is not None and cancel.cancelled:
            cancelled = True
            break
        if time.monotonic() >= deadline:
            timed_out = True
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=min(_POLL_S, max(deadline - time.monotonic(), 0.0)))
    # The group id is the shell's pid (own session); background children it left
    # behind would otherwise hold the pipes open and outlive the run.
    _kill_group(proc.pid, proc)
    kill_marked(marker)  # whatever left the group (setsid) but kept the environment
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=_DRAIN_S)
    for reader in readers:
        # A process that escaped the group may keep a pipe open: don't wait for it.
        reader.join(timeout=_DRAIN_S)
    (stdout, out_cut), (stderr, err_cut) = (capture.text() for capture in captures)
    return VerifyResult(
        command=command,
        exit_code=proc.returncode,
        stdout=stdout,
        stderr=stderr,
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        cancelled=cancelled,
        output_truncated=out_cut or err_cut,
    )
