"""``--git-commit``: commit exactly a passed task's files (DESIGN.md §6).

The commit is a pathspec commit (``git commit --only -- <files>``), so changes
the user staged or made in other files are never swept into it. A git failure
is reported to the caller, never raised: the run goes on.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_GIT_TIMEOUT = 60.0


@dataclass(frozen=True)
class CommitResult:
    """What happened; ``sha`` is empty when nothing was committed."""

    success: bool
    sha: str = ""
    error: str = ""
    nothing_to_commit: bool = False


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for credentials
    return subprocess.run(
        ["git", *args],
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_GIT_TIMEOUT,
        env=env,
        check=False,
    )


def is_git_repo(root: Path) -> bool:
    """True when ``root`` is inside a git work tree (and git is installed)."""
    try:
        result = _git(root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def commit_message(task_id: str, task_name: str) -> str:
    """The commit message for a passed task."""
    return f"sago: task {task_id}: {task_name}"


def commit_files(root: Path, files: Sequence[str], message: str) -> CommitResult:
    """Stage and commit only ``files`` (relative to ``root``)."""
    if not files:
        return CommitResult(True, nothing_to_commit=True)
    try:
        if not is_git_repo(root):
            return CommitResult(False, error=f"{root} is not a git repository")
        added = _git(root, "add", "--", *files)
        if added.returncode != 0:
            return CommitResult(False, error=_first_line(added.stderr, "git add failed"))
        changed = _git(root, "diff", "--cached", "--quiet", "--", *files)
        if changed.returncode == 0:
            return CommitResult(True, nothing_to_commit=True)
        committed = _git(
            root, "commit", "--quiet", "--no-verify", "-m", message, "--only", "--", *files
        )
        if committed.returncode != 0:
            detail = committed.stderr or committed.stdout
            return CommitResult(False, error=_first_line(detail, "git commit failed"))
        sha = _git(root, "rev-parse", "HEAD").stdout.strip()
        return CommitResult(True, sha=sha)
    except FileNotFoundError:
        return CommitResult(False, error="git is not installed")
    except subprocess.TimeoutExpired:
        return CommitResult(False, error=f"git did not finish within {_GIT_TIMEOUT:.0f}s")
    except OSError as exc:
        return CommitResult(False, error=f"git failed: {exc}")


def _first_line(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return fallback
