"""Verify commands in a bubblewrap sandbox (DESIGN.md §14).

A verify command runs code the LLM just wrote. Inside ``bwrap`` it sees the project
read-write (its ``.env*`` files hidden), the rest of the file system read-only, the
home directory's secret stores hidden, a private ``/tmp``, no network but its own
loopback (unless ``[run] sandbox_network``), a new session and its own PID
namespace, and it is killed with sago-tui (``--die-with-parent``; the PID
namespace ends every process in it, ``setsid`` ones included).

:func:`resolve_sandbox` decides once per run whether the sandbox is used;
:func:`probe_bwrap` really starts ``bwrap`` once (per ``PATH``) because a binary
that exists may still be unusable (user namespaces disabled, seccomp in a container).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sago_tui.core.secret_paths import hidden_paths
from sago_tui.core.settings import RunOptions

SANDBOX_OFF_LABEL = "off (sandbox = off)"
"""The label of a sandbox turned off on purpose (``--no-sandbox``)."""

_PROBE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Probe:
    """Whether ``bwrap`` can run here; ``reason`` says why not."""

    path: str | None
    reason: str = ""


@functools.lru_cache(maxsize=8)
def _probe(search_path: str) -> Probe:
    found = shutil.which("bwrap", path=search_path)
    if found is None:
        return Probe(None, "bubblewrap (bwrap) is not installed")
    argv = [found, *_BASE_ARGS, "--ro-bind", "/", "/", "--", "/bin/true"]
    try:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=_PROBE_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Probe(None, f"bwrap cannot start: {exc}")
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = said[-1] if said else f"exit {done.returncode}"
        return Probe(None, f"bwrap cannot create a sandbox here ({detail})")
    return Probe(found)


def probe_bwrap(search_path: str | None = None) -> Probe:
    """Find ``bwrap`` on ``search_path`` (default ``$PATH``) and run it once; cached."""
    return _probe(os.environ.get("PATH", os.defpath) if search_path is None else search_path)


_BASE_ARGS = ("--die-with-parent", "--new-session", "--unshare-all")


@dataclass(frozen=True)
class Sandbox:
    """How this run's verify commands are run.

    ``active``: inside bwrap. ``error``: set when ``sandbox = on`` but bwrap cannot run
    (the run must stop with exit 2). ``reason``: why verify runs unsandboxed.
    """

    mode: str = "off"
    active: bool = False
    bwrap: str | None = None
    network: bool = False
    hide: tuple[str, ...] = ()
    home: Path = field(default_factory=Path.home)
    reason: str = "sandbox = off"
    error: str = ""

    @property
    def label(self) -> str:
        """One line for headers, ``status``, reports and the trace."""
        if self.active:
            return "bubblewrap" + (" (network allowed)" if self.network else " (no network)")
        return f"off ({self.reason})"

    def wrap(self, argv: Sequence[str], project_root: Path) -> list[str]:
        """``argv`` run inside the sandbox for ``project_root`` (unchanged when inactive)."""
        if not self.active or self.bwrap is None:
            return list(argv)
        root = Path(os.path.realpath(project_root))
        args = [self.bwrap, *_BASE_ARGS]
        if self.network:
            args.append("--share-net")
        args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        for folder in toolchains_under_tmp():
            args += ["--ro-bind", folder, folder]
        args += ["--bind", str(root), str(root)]
        for path in hidden_paths(root, self.home, self.hide):
            if path.is_dir():
                args += ["--tmpfs", str(path)]
            else:
                args += ["--ro-bind", "/dev/null", str(path)]
        # Caches under the (read-only) home would fail tools such as `go test`: they get a
        # fresh one in the private /tmp instead.
        args += ["--setenv", "TMPDIR", "/tmp", "--setenv", "XDG_CACHE_HOME", "/tmp/.cache"]
        args += ["--chdir", str(root), "--", *argv]
        return args


def toolchains_under_tmp(search_path: str | None = None) -> list[str]:
    """The running Python's environment and the ``PATH`` folders that live under ``/tmp``
    (a virtualenv or a CI checkout there), outermost first: the private ``/tmp`` would
    otherwise hide the interpreter and tools a verify command calls."""
    path = os.environ.get("PATH", "") if search_path is None else search_path
    found = {sys.prefix, sys.exec_prefix, sys.base_prefix, *path.split(os.pathsep)}
    real = sorted({os.path.realpath(f) for f in found if f}, key=lambda f: (f.count(os.sep), f))
    kept: list[str] = []
    for folder in real:
        inside = folder.startswith("/tmp/") and os.path.isdir(folder)
        if inside and not any(folder.startswith(k + os.sep) for k in kept):
            kept.append(folder)
    return kept


def resolve_sandbox(
    mode: str,
    *,
    network: bool = False,
    hide: Sequence[str] = (),
    home: Path | None = None,
    search_path: str | None = None,
) -> Sandbox:
    """Decide how verify runs for ``[run] sandbox = mode`` (``auto``, ``on`` or ``off``)."""
    base = Sandbox(mode=mode, network=network, hide=tuple(hide), home=home or Path.home())
    if mode == "off":
        return base
    probe = probe_bwrap(search_path)
    if probe.path is not None:
        return replace(base, active=True, bwrap=probe.path, reason="")
    error = ""
    if mode == "on":
        error = f"[run] sandbox = on, but {probe.reason}; install bubblewrap or use --no-sandbox"
    return replace(base, reason=f"{probe.reason}; verify runs unsandboxed", error=error)


def verify_sandbox(run: RunOptions) -> Sandbox:
    """The sandbox of a run with ``run``'s options (not probed when verify is off)."""
    if not run.verify:
        return Sandbox(mode=run.sandbox, reason="verify is off")
    return resolve_sandbox(run.sandbox, network=run.sandbox_network, hide=run.sandbox_hide)
