"""Hostile or broken input: one line on stderr, exit 2, never a traceback.

Each case builds a broken project (PLAN.md, sago.toml, .env, the project path itself)
and runs the real CLI in a subprocess. None of these reaches an LLM call, so litellm
is never imported and every case costs a fraction of a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sago_tui.cli import main
from sago_tui.config_keys import ENABLE_PARALLEL, KEYS
from sago_tui.core.project import Project
from sago_tui.core.secrets import is_secret_name
from tests.reliability.support import isolated_env, run_cli, task, write_project

# Every variable the configuration reads: the test process's own must not leak in.
_CONFIG_VARS = frozenset(
    {ENABLE_PARALLEL, *(name for info in KEYS for name in (*info.env, *info.fallback_env))}
)
VALID_TASKS = [task("1.1", ["a.py"], verify='python -c "import a"')]


def xml_plan(body: str) -> str:
    return f"# PLAN\n\n```xml\n<phases>\n{body}\n</phases>\n```\n"


def task_xml(task_id: str, depends: str = "", name: str = "T") -> str:
    dep = f' depends_on="{depends}"' if depends else ""
    return (
        f'<task id="{task_id}"{dep}><name>{name}</name><files>{task_id}.py</files>'
        f"<action>Write it.</action><verify>python -c 1</verify><done>ok</done></task>"
    )


def _random_bytes(size: int) -> bytes:
    return random.Random(1234).randbytes(size)


# PLAN.md content (text or bytes) → a fragment the one-line error must contain.
BROKEN_PLANS: dict[str, tuple[str | bytes, str]] = {
    "unclosed tags": (
        "```xml\n<phases><phase name='P'><task id='1.1'><name>a</name>\n```\n",
        "never closed",
    ),
    "duplicate ids": (
        xml_plan(f"<phase name='P'>{task_xml('1.1')}{task_xml('1.1')}</phase>"),
        "duplicate id 1.1",
    ),
    "cycle": (
        xml_plan(f"<phase name='P'>{task_xml('1.1', '1.2')}{task_xml('1.2', '1.1')}</phase>"),
        "cycle",
    ),
    "unknown dependency": (
        xml_plan(f"<phase name='P'>{task_xml('1.1', '9.9')}</phase>"),
        "unknown task 9.9",
    ),
    "dependency on a later phase": (
        xml_plan(
            f"<phase name='A'>{task_xml('1.1', '2.1')}</phase>"
            f"<phase name='B'>{task_xml('2.1')}</phase>"
        ),
        "later phase",
    ),
    "protected file declared": (
        xml_plan(f"<phase name='P'>{task_xml('1.1').replace('1.1.py', '.git/config')}</phase>"),
        ".git",
    ),
    "no xml block": ("# PLAN\n\nJust prose, no plan.\n", "PLAN.md"),
    "empty file": ("", "PLAN.md"),
    "10 MB of text": ("lorem ipsum dolor sit amet\n" * 400_000, "PLAN.md"),
    "10 MB of nested tags": ("```xml\n<phases>" + "<phase name='x'>" * 600_000, "PLAN.md"),
    "10 MB inside one tag": (
        "```xml\n<phases><phase name='P'><task id='1.1'><name>" + "x" * 10_000_000,
        "never closed",
    ),
    "binary garbage": (_random_bytes(200_000), "PLAN.md"),
    "invalid UTF-8 in a valid plan": (
        xml_plan(f"<phase name='P'>{task_xml('1.1')}</phase>")
        .encode()
        .replace(b"T<", b"\xff\xfe<"),
        "UTF-8",
    ),
    "NUL bytes": (xml_plan(f"<phase name='P'>{task_xml('1.1')}</phase>").replace("<", "\x00<"), ""),
    "NUL byte in a closing tag": (
        xml_plan(f"<phase name='P'>{task_xml('1.1')}</phase>").replace("</name>", "</name\x00>"),
        "a NUL byte (\\0) inside a tag",
    ),
    "name with a line separator": (
        xml_plan(
            "<phase name='P'>" + task_xml("1.1", name="a\u2028b") + task_xml("1.1") + "</phase>"
        ),
        "duplicate id 1.1",
    ),
}


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str = "") -> str:
    """Exit 2, no traceback, exactly one non-empty stderr line saying ``sago-tui: error:``."""
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert proc.returncode == 2, (proc.returncode, lines)
    assert lines[0].startswith("sago-tui: error: "), lines[0]
    assert fragment in lines[0], (fragment, lines[0])
    assert len(lines[0]) < 1200  # one readable line, not a dump of the input
    return lines[0]


Cli = Callable[[list[str]], subprocess.CompletedProcess[str]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a real sago-tui process (see :func:`real_cli`)."""
    # An unroutable API base: should anything try to call the LLM, it fails fast and
    # the assertions on exit code and stderr catch it.
    return isolated_env(tmp_path, {"LLM_API_KEY": "sk-none", "LLM_API_BASE": "http://127.0.0.1:9"})


@pytest.fixture
def cli(
    tmp_path: Path,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """``sago-tui ARGS`` run in this process (``cli.main``), as a CompletedProcess.

    Far cheaper than a subprocess per case; :func:`test_real_process_reports_bad_input`
    proves the real process behaves the same. An exception escaping ``main`` fails the
    test, just as a traceback in a subprocess's stderr would.
    """
    for name in list(os.environ):
        if name.startswith("LLM_") or is_secret_name(name) or name in _CONFIG_VARS:
            monkeypatch.delenv(name)
    for name in ("HOME", "XDG_CONFIG_HOME", "LLM_API_KEY", "LLM_API_BASE"):
        monkeypatch.setenv(name, env[name])
    logger = logging.getLogger("sago_tui")
    saved = (logger.handlers[:], logger.level, logger.propagate)

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        try:
            code = main(args)
        finally:
            # run_headless points the sago_tui logger at the captured stderr: undo it.
            logger.handlers[:], logger.level, logger.propagate = saved
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def real_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m sago_tui ARGS`` in a subprocess with ``env``."""
    return run_cli(args, env)


def project_with(tmp_path: Path, plan: str | bytes | None = None) -> Project:
    project = write_project(tmp_path / "p", list(VALID_TASKS))
    if isinstance(plan, bytes):
        project.plan_path.write_bytes(plan)
    elif plan is not None:
        project.plan_path.write_text(plan, encoding="utf-8")
    return project


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "headless": lambda root: ["--headless", str(root)],
    "execute": lambda root: ["execute", "--path", str(root)],
    "dry-run": lambda root: ["run", "--path", str(root), "--dry-run"],
    "status": lambda root: ["status", "--path", str(root)],
}


@pytest.mark.parametrize(("plan", "fragment"), BROKEN_PLANS.values(), ids=list(BROKEN_PLANS))
def test_broken_plan_is_one_line_on_stderr(
    tmp_path: Path, cli: Cli, plan: str | bytes, fragment: str
) -> None:
    project = project_with(tmp_path, plan)
    line = assert_one_line_error(cli(COMMANDS["headless"](project.root)), fragment)
    assert "PLAN.md" in line
    # The state of the project is untouched: nothing was run, nothing recorded as passed.
    assert not (project.root / "1.1.py").exists() and not (project.root / "a.py").exists()


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "headless"])
def test_every_command_reports_a_broken_plan_the_same_way(
    tmp_path: Path, cli: Cli, command: str
) -> None:
    project = project_with(tmp_path, BROKEN_PLANS["cycle"][0])
    assert_one_line_error(cli(COMMANDS[command](project.root)), "cycle")


BROKEN_CONFIG: dict[str, tuple[str, str | bytes, str]] = {
    "toml syntax": ("sago.toml", "[run\nparallel = 2\n", "sago.toml"),
    "toml wrong type": ("sago.toml", '[run]\nparallel = "many"\n', "parallel"),
    "toml out of range": ("sago.toml", "[run]\nmax_cost = -1\n", "max_cost"),
    "toml binary": ("sago.toml", _random_bytes(512), "sago.toml"),
    "env unterminated quote": (".env", 'LLM_MODEL="gpt-4o\n', ".env"),
    "env not an assignment": (".env", "this is not an assignment\n", ".env:1"),
    "env bad value": (".env", "MAX_CONCURRENT_TASKS=zero\n", "MAX_CONCURRENT_TASKS"),
    "env invalid UTF-8": (".env", b"LLM_MODEL=\xff\xfe\n", ".env"),
    "env NUL bytes": (".env", b"\x00\x00\x00", ".env"),
}


@pytest.mark.parametrize(
    ("name", "content", "fragment"), BROKEN_CONFIG.values(), ids=list(BROKEN_CONFIG)
)
def test_broken_config_is_one_line_on_stderr(
    tmp_path: Path, cli: Cli, name: str, content: str | bytes, fragment: str
) -> None:
    project = project_with(tmp_path)
    path = project.root / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert_one_line_error(cli(["--headless", str(project.root)]), fragment)


@pytest.mark.parametrize(
    "flags",
    [["--parallel", "0"], ["--max-cost", "lots"], ["--max-retries", "-1"], ["--parallel", "1e9x"]],
)
def test_bad_flag_value_is_one_line_on_stderr(tmp_path: Path, cli: Cli, flags: list[str]) -> None:
    project = project_with(tmp_path)
    assert_one_line_error(cli(["--headless", str(project.root), *flags]), flags[0])


def test_missing_project_path(tmp_path: Path, cli: Cli) -> None:
    assert_one_line_error(cli(["--headless", str(tmp_path / "nope")]), "no such directory")


def test_project_path_under_a_regular_file(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "file").write_text("x")
    assert_one_line_error(cli(["--headless", str(tmp_path / "file" / "sub")]))


def test_project_path_is_a_regular_file(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "file").write_text("x")
    assert_one_line_error(cli(["--headless", str(tmp_path / "file")]), "not a directory")


def test_directory_that_is_not_a_project(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "empty").mkdir()
    assert_one_line_error(
        cli(["execute", "--path", str(tmp_path / "empty")]), "not a sago-tui project"
    )


def test_planning_dir_is_a_regular_file(tmp_path: Path, cli: Cli) -> None:
    project = project_with(tmp_path)
    (project.root / ".planning").write_text("not a directory")
    assert_one_line_error(cli(["--headless", str(project.root)]), ".planning")


def test_state_md_is_a_directory(tmp_path: Path, cli: Cli) -> None:
    project = project_with(tmp_path)
    project.state_path.unlink(missing_ok=True)
    project.state_path.mkdir()
    assert_one_line_error(cli(["--headless", str(project.root)]), "STATE.md")


def test_plan_md_is_a_directory(tmp_path: Path, cli: Cli) -> None:
    project = project_with(tmp_path)
    project.plan_path.unlink()
    project.plan_path.mkdir()
    assert_one_line_error(cli(["--headless", str(project.root)]), "PLAN.md")


@contextlib.contextmanager
def read_only_project(tmp_path: Path) -> Iterator[Path]:
    """A project directory sago cannot write: chmod 0555, or (as root, who ignores
    modes) a read-only tmpfs mount; skips when neither can be arranged."""
    root = tmp_path / "ro"
    root.mkdir()
    seed = project_with(tmp_path)
    for name in ("PROJECT.md", "REQUIREMENTS.md", "PLAN.md"):
        shutil.copy(seed.root / name, root / name)
    root.chmod(0o555)
    try:
        probe = root / ".probe"
        try:
            probe.write_text("")
        except PermissionError:
            yield root  # modes are enforced: the plain case
            return
        probe.unlink()
        if shutil.which("mount") is None:
            pytest.skip("running as root (modes not enforced) and no `mount` to make a ro fs")
        root.chmod(0o755)
        yield from _read_only_mount(root)
    finally:
        with contextlib.suppress(OSError):
            root.chmod(0o755)


def _read_only_mount(root: Path) -> Iterator[Path]:
    """``root``'s files on a tmpfs that is then remounted read-only (root only)."""
    mount = root.parent / "ro-mount"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip("running as root (modes not enforced) and mounting a tmpfs is not allowed")
    try:
        for name in os.listdir(root):
            shutil.copy(root / name, mount / name)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_read_only_project(tmp_path: Path, env: dict[str, str]) -> None:
    with read_only_project(tmp_path) as root:
        before = sorted(os.listdir(root))
        line = assert_one_line_error(real_cli(["--headless", str(root)], env))
        assert "cannot write" in line or "not writable" in line
        assert sorted(os.listdir(root)) == before


def _broken(kind: str, tmp_path: Path) -> Path:
    project = project_with(tmp_path, BROKEN_PLANS["cycle"][0] if kind == "plan" else None)
    if kind == "toml":
        (project.root / "sago.toml").write_text("[run\n")
    elif kind == "env":
        (project.root / ".env").write_bytes(b"LLM_MODEL=\xff\n")
    elif kind == "planning":
        (project.root / ".planning").write_text("")
    elif kind == "missing":
        return tmp_path / "nope"
    return project.root


@pytest.mark.parametrize("kind", ["plan", "toml", "env", "planning", "missing"])
def test_real_process_reports_bad_input(tmp_path: Path, env: dict[str, str], kind: str) -> None:
    """The in-process cases above, spot-checked through ``python -m sago_tui``."""
    root = _broken(kind, tmp_path)
    assert_one_line_error(real_cli(["--headless", str(root)], env))
