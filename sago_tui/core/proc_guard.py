"""Making sure a verify command never outlives sago-tui.

What holds, on Linux:

* Every verify process starts with ``PR_SET_PDEATHSIG`` (a pre-exec ``prctl``): when
  sago-tui dies, ``kill -9`` included, the kernel signals it.
* In the sandbox, bwrap's ``--die-with-parent`` and its PID namespace end every
  process of the command, ``setsid`` ones included.
* Unsandboxed, the command itself gets ``SIGKILL`` as its death signal, and a small
  ``/bin/sh`` watcher started next to it, in its process group, notices within a
  second that the command is gone (its ``/proc`` entry vanishes or turns zombie).
  The watcher then kills every process that carries this verify's marker variable
  (``SAGO_VERIFY_ID``: also those that left the group with ``setsid``) and finally
  the whole group. The command runs in the foreground, so its signal dispositions
  and exit status are those of a plain ``/bin/sh -c``. On timeout, cancel and normal
  exit sago-tui kills the group and the marked processes itself (:func:`kill_marked`).

What does not hold unsandboxed: a process that both leaves the group and wipes its
environment (``setsid env -i …``), or one that double-forks during the watcher's
last second, can survive. The sandbox has neither gap.
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
_PR_SET_PDEATHSIG = 1

# $1 is the verify command, $2 and $3 the absolute paths of grep and sleep ("" when
# missing: no marker scan / no watcher), so the watcher works whatever the verify's PATH.
# `$$` in the subshell is the guard's pid, which `exec` hands over to the command.
GUARD_SCRIPT = r"""
grep_bin=$2 sleep_bin=$3 guard=$$
[ -n "$sleep_bin" ] && (
  while read -r stat < "/proc/$guard/stat"; do
    case ${stat##*) } in Z*) break ;; esac
    "$sleep_bin" 1
  done 2>/dev/null
  read -r me rest < /proc/self/stat
  if [ -n "$grep_bin" ]; then
    for f in $("$grep_bin" -lzxF "SAGO_VERIFY_ID=$SAGO_VERIFY_ID" /proc/[0-9]*/environ \
               2>/dev/null); do
      p=${f#/proc/}; p=${p%/environ}
      [ "$p" = "$me" ] || kill -KILL "$p" 2>/dev/null
    done
  fi
  kill -KILL 0
) </dev/null >/dev/null 2>&1 &
exec /bin/sh -c "$1"
"""


def new_marker() -> str:
    """A fresh value for :data:`MARKER` (unique per verify run)."""
    return uuid.uuid4().hex


@functools.cache
def _tool(name: str) -> str:
    # Looked up once, in sago-tui's own PATH or the usual places: the verify's PATH may
    # lack it, and the watcher needs it at the worst moment.
    found = shutil.which(name) or next(
        (p for p in (f"/usr/bin/{name}", f"/bin/{name}") if os.access(p, os.X_OK)), ""
    )
    return os.path.abspath(found) if found else ""


def guarded_argv(command: str) -> list[str]:
    """``/bin/sh -c command`` with its watcher (for unsandboxed runs; Linux only, since
    the watcher reads ``/proc``: elsewhere the plain command, killed as a group)."""
    if not Path("/proc/self/stat").exists():
        return ["/bin/sh", "-c", command]
    return ["/bin/sh", "-c", GUARD_SCRIPT, "sago-verify", command, _tool("grep"), _tool("sleep")]


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
