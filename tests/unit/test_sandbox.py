"""The sandbox decision and the bwrap command line (DESIGN.md §14)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sago_tui.core.sandbox import (
    SANDBOX_OFF_LABEL,
    Sandbox,
    probe_bwrap,
    resolve_sandbox,
    toolchains_under_tmp,
)
from sago_tui.core.secret_paths import SOCKETS, is_env_file_name


def fake_bwrap(folder: Path, script: str) -> Path:
    """An executable ``bwrap`` in ``folder`` that runs ``script`` (counts its calls)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bwrap"
    path.write_text(f"#!/bin/sh\necho run >> {folder}/calls\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_probe_runs_bwrap_once_per_path_and_reports_why_it_failed(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    fake_bwrap(bin_dir, "echo 'bwrap: No permissions to create new namespace' >&2; exit 1")
    first = probe_bwrap(str(bin_dir))
    second = probe_bwrap(str(bin_dir))
    assert first == second and first.path is None
    assert first.reason == (
        "bwrap cannot create a sandbox here (bwrap: No permissions to create new namespace)"
    )
    assert (bin_dir / "calls").read_text() == "run\n"  # really tried, and only once


def test_probe_accepts_a_bwrap_that_works(tmp_path: Path) -> None:
    bin_dir = tmp_path / "ok"
    found = fake_bwrap(bin_dir, "exit 0")
    assert probe_bwrap(str(bin_dir)).path == str(found)


def test_missing_bwrap(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = probe_bwrap(str(empty))
    assert probe.path is None and probe.reason == "bubblewrap (bwrap) is not installed"


def test_modes(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    off = resolve_sandbox("off", search_path=str(empty))
    assert not off.active and off.label == SANDBOX_OFF_LABEL and not off.error
    auto = resolve_sandbox("auto", search_path=str(empty))
    assert not auto.active and not auto.error
    assert auto.label == "off (bubblewrap (bwrap) is not installed; verify runs unsandboxed)"
    on = resolve_sandbox("on", search_path=str(empty))
    assert on.error.startswith("[run] sandbox = on, but bubblewrap (bwrap) is not installed")
    works = tmp_path / "works"
    fake_bwrap(works, "exit 0")
    active = resolve_sandbox("on", network=True, search_path=str(works))
    assert active.active and active.label == "bubblewrap (network allowed)"


def pairs(argv: list[str], option: str) -> list[str]:
    """The first operand of every ``option`` in ``argv``."""
    return [argv[i + 1] for i, item in enumerate(argv) if item == option]


@pytest.fixture
def home() -> Iterator[Path]:
    """A home outside /tmp: the sandbox's private /tmp already hides anything under it."""
    if not os.access("/var/tmp", os.W_OK):
        pytest.skip("/var/tmp is not writable: no place for a home outside /tmp")
    with tempfile.TemporaryDirectory(prefix="sago-home-", dir="/var/tmp") as folder:
        yield Path(folder)


def test_a_home_under_tmp_needs_no_hiding(tmp_path: Path) -> None:
    (tmp_path / ".ssh").mkdir()
    sandbox = Sandbox(mode="on", active=True, bwrap="bwrap", home=tmp_path)
    argv = sandbox.wrap(["true"], Path("/var"))
    assert str(tmp_path / ".ssh") not in argv


def test_command_line_hides_secrets_and_binds_the_project(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "no-runtime-dir"))
    (home / ".config" / "sago-tui").mkdir(parents=True)  # sago-tui's own config: hidden
    root = tmp_path / "work" / "proj"
    for folder in (home / ".ssh", home / ".aws", root / "sub", root / "node_modules"):
        folder.mkdir(parents=True)
    for name in (".netrc", ".git-credentials", "extra-secret"):
        (home / name).write_text("x")
    for name in (".env", ".env.local", "sub/.env.production", ".env.example", "node_modules/.env"):
        (root / name).write_text("x")
    sandbox = Sandbox(
        mode="on", active=True, bwrap="/usr/bin/bwrap", home=home, hide=("~/extra-secret",)
    )
    argv = sandbox.wrap(["/bin/sh", "-c", "make test"], root)
    real = Path(os.path.realpath(root))
    assert argv[:4] == ["/usr/bin/bwrap", "--die-with-parent", "--new-session", "--unshare-all"]
    assert "--share-net" not in argv
    assert argv[-4:] == ["--", "/bin/sh", "-c", "make test"]
    assert pairs(argv, "--bind") == [str(real)]
    assert pairs(argv, "--chdir") == [str(real)]
    # The private /tmp comes before the project bind, or a project under /tmp would vanish.
    assert argv.index("--tmpfs") < argv.index("--bind")
    # A Python or PATH folder under /tmp (a CI checkout there) stays visible, read-only.
    assert set(pairs(argv, "--ro-bind")) == {"/", "/dev/null", *toolchains_under_tmp()}
    hidden = {
        argv[i + 2] for i in range(len(argv) - 2) if argv[i : i + 2] == ["--ro-bind", "/dev/null"]
    } - {str(Path(os.path.realpath(sock))) for sock in SOCKETS}  # the machine's docker.sock
    assert hidden == {
        str(real / ".env"),
        str(real / ".env.local"),
        str(real / "sub" / ".env.production"),
        str(home / ".netrc"),
        str(home / ".git-credentials"),
        str(home / "extra-secret"),
    }
    stores = {str(home / ".ssh"), str(home / ".aws"), str(home / ".config" / "sago-tui")}
    assert set(pairs(argv, "--tmpfs")) == {"/tmp", *stores}


def test_network_and_inactive_sandbox(tmp_path: Path) -> None:
    with_net = Sandbox(mode="on", active=True, bwrap="bwrap", network=True, home=tmp_path)
    assert "--share-net" in with_net.wrap(["true"], tmp_path)
    assert Sandbox().wrap(["/bin/sh", "-c", "x"], tmp_path) == ["/bin/sh", "-c", "x"]


@pytest.mark.parametrize(
    ("name", "secret"),
    [(".env", True), (".env.local", True), (".envrc", True), (".env.production", True),
     (".env.example", False), (".env.sample", False), ("env.py", False), ("a.env", False)],
)  # fmt: skip
def test_env_file_names(name: str, secret: bool) -> None:
    assert is_env_file_name(name) is secret


def test_runtime_dir_sockets_are_hidden(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only mount does not stop connect(): the session bus, keyring and agent
    # sockets of the runtime directory must be hidden, not just read-only.
    runtime = home / "run-user"
    runtime.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    sandbox = Sandbox(mode="on", active=True, bwrap="bwrap", home=home)
    argv = sandbox.wrap(["true"], tmp_path)
    assert str(runtime) in pairs(argv, "--tmpfs")


def test_toolchains_under_tmp_stay_visible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    monkeypatch.setattr(sys, "prefix", str(venv))
    search = os.pathsep.join([str(venv / "bin"), str(tmp_path / "tools"), "/usr/bin", ""])
    found = toolchains_under_tmp(search)
    real = os.path.realpath(tmp_path)
    if not real.startswith("/tmp/"):
        assert found == [] or all(f.startswith("/tmp/") for f in found)
        return
    # The venv's bin is inside the venv: binding the venv is enough; /usr/bin is visible.
    assert os.path.join(real, "venv") in found and os.path.join(real, "tools") in found
    assert os.path.join(real, "venv", "bin") not in found and "/usr/bin" not in found
    sandbox = Sandbox(mode="on", active=True, bwrap="bwrap", home=Path("/nonexistent"))
    argv = sandbox.wrap(["true"], Path("/var"))
    assert argv.index("--tmpfs") < argv.index(os.path.join(real, "venv"))
