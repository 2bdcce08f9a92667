"""`--git-commit` in a real repository (issue 3)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.integration.conftest import (
    T,
    check_trace,
    events,
    fast_env,
    make_project,
)
from tests.llm_server import FakeLLMServer

TASKS = [
    T("1.1", ["src/a.py", "src/__init__.py"], verify="test -f src/a.py", name="Create a"),
    T("1.2", ["src/b.py"], verify="test -f src/b.py", name="Create b"),
]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout


def test_each_passed_task_is_one_commit_of_exactly_its_files(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS, files={"tracked.txt": "v1\n", "staged.txt": "new\n"})
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "tracked.txt")
    git(root, "commit", "-q", "-m", "initial")
    # The user's own work in progress: one file staged, one tracked file modified.
    git(root, "add", "staged.txt")
    (root / "tracked.txt").write_text("v2, not committed\n")
    scripted(TASKS)

    result = cli("run", "-p", str(root), "--git-commit", env=fast_env(llm_server))

    assert result.code == 0, result.text
    log = git(root, "log", "--format=%s").splitlines()
    assert log == ["sago: task 1.2: Create b", "sago: task 1.1: Create a", "initial"]
    files_of = {
        subject: sorted(git(root, "show", "--name-only", "--format=", ref).split())
        for subject, ref in (("1.1", "HEAD~1"), ("1.2", "HEAD"))
    }
    assert files_of == {"1.1": ["src/__init__.py", "src/a.py"], "1.2": ["src/b.py"]}
    # The user's changes are where they left them.
    assert git(root, "diff", "--cached", "--name-only").split() == ["staged.txt"]
    assert git(root, "diff", "--name-only").split() == ["tracked.txt"]
    assert (root / "tracked.txt").read_text() == "v2, not committed\n"
    commits = events(check_trace(root, exit_code=0), "git_commit")
    assert [(c["data"]["task_id"], c["data"]["success"]) for c in commits] == [
        ("1.1", True),
        ("1.2", True),
    ]
    assert commits[1]["data"]["sha"] == git(root, "rev-parse", "HEAD").strip()


def test_outside_a_repository_the_run_goes_on_and_reports_it(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    llm = scripted(TASKS)

    result = cli(
        "run",
        "-p",
        str(root),
        "--git-commit",
        env=fast_env(llm_server, GIT_CEILING_DIRECTORIES=str(tmp_path)),
    )

    assert result.code == 0, result.text
    assert llm.counts() == {"1.1": 1, "1.2": 1}
    assert "not a git repository" in result.out
    commits = events(check_trace(root, exit_code=0), "git_commit")
    assert [c["data"]["success"] for c in commits] == [False, False]
    assert all("not a git repository" in c["data"]["error"] for c in commits)
