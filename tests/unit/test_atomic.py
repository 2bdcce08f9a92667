"""The atomic writer: explicit modes (no umask race), leftover temp files, a full disk."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from sago_tui.core import atomic
from sago_tui.core.atomic import atomic_write_text, clean_temp_files
from sago_tui.core.errors import DiskFull


def test_umask_is_never_changed_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or 0o022)
    atomic_write_text(tmp_path / "a" / "b.txt", "x\n")
    assert calls == []  # the process-wide umask is read once, at import
    mode = stat.S_IMODE((tmp_path / "a" / "b.txt").stat().st_mode)
    assert mode == 0o666 & ~atomic.UMASK


def test_parallel_writes_never_make_world_writable_directories(tmp_path: Path) -> None:
    """Directories created by other threads during writes keep the umask's mode."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(40):
                atomic_write_text(tmp_path / f"w{n}" / f"{i}.txt", "x\n")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def mkdirs(n: int) -> None:
        for i in range(200):
            (tmp_path / f"d{n}" / str(i)).mkdir(parents=True)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=mkdirs, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = 0o777 & ~atomic.UMASK
    modes = {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("*") if p.is_dir()}
    assert modes == {expected}


def test_existing_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old\n")
    target.chmod(0o750)
    atomic_write_text(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert target.read_text() == "new\n"


def test_clean_temp_files_removes_only_its_own_leftovers(tmp_path: Path) -> None:
    own = [tmp_path / ".STATE.md.k2j4_x9a.tmp", tmp_path / "src" / ".app.py.abcdefgh.tmp"]
    others = [
        tmp_path / "notes.tmp",  # a user's file
        tmp_path / ".cache.tmp",
        tmp_path / ".x.TOOLONGSUFFIX.tmp",
        tmp_path / ".git" / ".HEAD.abcdefgh.tmp",  # never inside .git
    ]
    for path in own + others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("partial")
    removed = clean_temp_files(tmp_path)
    assert sorted(removed) == sorted(own)
    assert all(not p.exists() for p in own)
    assert all(p.exists() for p in others)


def test_a_full_disk_names_the_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "STATE.md"
    target.write_text("old\n")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "write", full)
    with pytest.raises(DiskFull, match=f"^disk full while writing {target}$"):
        atomic_write_text(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["STATE.md"]


def test_other_write_errors_are_not_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int, data: bytes) -> int:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(atomic.os, "write", broken)
    with pytest.raises(OSError) as raised:
        atomic_write_text(tmp_path / "a.txt", "x")
    assert raised.value.errno == errno.EIO
