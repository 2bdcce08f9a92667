"""Making sure a verify command never outlives sago-tui.

What holds, on Linux:

* Every verify process starts with ``PR_SET_PDEATHSIG`` (a pre-exec ``prctl``): when
  sago-tui dies, ``kill -9`` included, the kernel signals it.
* In the sandbox, bwrap's ``--die-with-parent`` and its PID namespace end every
  process of the command, ``setsid`` ones included.
* Unsandboxed, the command runs under a small ``/bin/sh`` guard that is the leader of
  the command's process group. Its death signal is ``SIGUSR2``; the guard then kills
  every process that carries this verify's marker variable (``SAGO_VERIFY_ID``, so
  processes that left the group with ``setsid`` too) and finally its whole group.
  On timeout, cancel and normal exit sago-tui kills the group and then the marked
  processes itself (:func:`kill_marked`).

What does not hold unsandboxed: a process that both leaves the group and wipes its
environment (``setsid env -i …``), or one that double-forks after sago-tui's death
faster than the guard's scan, can survive. The sandbox has neither gap.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import uuid
from collections.abc import Callable
from pathlib import Path

MARKER = "SAGO_VERIFY_ID"
GUARD_SIGNAL = signal.SIGUSR2
_PR_SET_PDEATHSIG = 1

# $1 is the verify command, $2 grep's absolute path ("" when there is none: then only the
# group is killed). The command runs in the background so that `wait` returns as soon as
# the death signal arrives (POSIX: a trapped signal interrupts `wait`).
GUARD_SCRIPT = r"""
grep_bin=$2
reap() {
  trap '' USR2 TERM
  [ -n "$grep_bin" ] &&
  for f in $("$grep_bin" -lzxF "SAGO_VERIFY_ID=$SAGO_VERIFY_ID" /proc/[0-9]*/environ \
           2>/dev/null); do
    p=${f#/proc/}; p=${p%/environ}
    [ "$p" = "$$" ] || kill -KILL "$p" 2>/dev/null
  done
  kill -KILL 0
}
trap reap USR2
/bin/sh -c "$1" &
wait $!
"""


def new_marker() -> str:
    """A fresh value for :data:`MARKER` (unique per verify run)."""
    return uuid.uuid4().hex


@functools.cache
def _grep() -> str:
    # Looked up once, in sago-tui's own PATH or the usual places: the verify's PATH may
    # lack it, and the guard needs it at the worst moment.
    found = shutil.which("grep") or next(
        (p for p in ("/usr/bin/grep", "/bin/grep") if os.access(p, os.X_OK)), ""
    )
    return os.path.abspath(found) if found else ""


def guarded_argv(command: str) -> list[str]:
    """``/bin/sh -c command`` wrapped in the guard (for unsandboxed runs)."""
    return ["/bin/sh", "-c", GUARD_SCRIPT, "sago-verify-guard", command, _grep()]


def death_signal_preexec(sig: int) -> Callable[[], None] | None:
    """A pre-exec function that asks for ``sig`` when sago-tui dies; None off Linux.

    The ``prctl`` symbol is looked up here, in the parent: the child only calls it.
    """
    if not Path("/proc/self").exists():
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        # sago-tui may have died between fork and prctl: then no signal would ever come.
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def marked_pids(marker: str) -> list[int]:
    """Processes (of this user) whose environment holds ``MARKER=marker``."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if needle in data.split(b"\0"):
            found.append(int(name))
    return found


def kill_marked(marker: str) -> int:
    """SIGKILL every process carrying ``marker``; returns how many were signalled."""
    count = 0
    for pid in marked_pids(marker):
        if pid == os.getpid():
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            count += 1
    return count
