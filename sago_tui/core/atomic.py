"""Crash-safe file writes: write a temp file beside the target, fsync, rename.

A reader (or a run resumed after ``kill -9``) sees either the old content or
the new content, never half a file. A temp file left by a killed process is
removed by :func:`clean_temp_files` at the start of the next run.

Modes are explicit: the process umask is read once, at import (from
``/proc/self/status`` where available, so it is never changed at all), and is
never set to 0 while threads write, since a parallel ``mkdir`` would then make
a world-writable directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from sago_tui.core.errors import DiskFull, is_disk_full

TEMP_SUFFIX = ".tmp"
# mkstemp's names: prefix + 8 characters of [a-z0-9_] + suffix.
_OWN_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


def _read_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # No /proc: the classic read-by-setting, done once while the process is starting.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


UMASK = _read_umask()
"""The process umask, read once; new files get ``0o666 & ~UMASK``."""


def is_temp_file(name: str) -> bool:
    """True for a temporary file of :func:`atomic_write_bytes` (``.NAME.xxxx.tmp``), which
    exists only while a write is in flight or after a crash mid-write."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and name.count(".") >= 3


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's mode.

    A full disk raises :class:`DiskFull` naming ``path``; the temp file is removed.
    """
    atomic_write_status(path, data)


def atomic_write_status(path: Path, data: bytes) -> os.stat_result:
    """:func:`atomic_write_bytes`, returning the new file's status as written (inode,
    size, mtime), so a caller can tell later whether anyone has edited the file since."""
    try:
        return _write(path, data)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(f"disk full while writing {path}") from None
        raise


def _write(path: Path, data: bytes) -> os.stat_result:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~UMASK
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            os.fchmod(fd, mode)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return written


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with UTF-8 ``text`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def clean_temp_files(root: Path) -> list[Path]:
    """Remove temp files a killed writer left under ``root``; returns what was removed.

    Only names of this module's own pattern (``.NAME.xxxxxxxx.tmp``) are touched, and
    ``.git`` and dependency folders are not searched. Call it while holding the
    project's lock: a live writer's temp file must not vanish under it.
    """
    removed: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            if _OWN_TEMP.match(name):
                path = Path(folder) / name
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed
