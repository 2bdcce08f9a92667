"""Crash-safe file writes: write a temp file beside the target, fsync, rename.

A reader (or a run resumed after ``kill -9``) sees either the old content or
the new content, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def is_temp_file(name: str) -> bool:
    """True for a temporary file of :func:`atomic_write_bytes` (``.NAME.xxxx.tmp``), which
    exists only while a write is in flight or after a crash mid-write."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and name.count(".") >= 3


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's mode."""
    atomic_write_status(path, data)


def atomic_write_status(path: Path, data: bytes) -> os.stat_result:
    """:func:`atomic_write_bytes`, returning the new file's status as written (inode,
    size, mtime), so a caller can tell later whether anyone has edited the file since."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode: int | None = None
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return written


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with UTF-8 ``text`` atomically."""
    atomic_write_status(path, text.encode("utf-8"))
