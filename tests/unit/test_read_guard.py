"""What may be read into a prompt: checked as written, then after resolving symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.read_guard import read_refusal


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "home" / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "app.py").write_text("print(1)\n")
    (project / ".env").write_text("KEY=value\n")
    (project / ".env.example").write_text("KEY=\n")
    (project / ".git").mkdir()
    return project


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("src/app.py", None),
        (".env.example", None),
        ("src/new_file.py", None),  # not there yet: fine, it is the task's to create
        (".env", ".env files hold secrets"),
        ("config/.env.production", ".env files hold secrets"),
        (".envrc", ".env files hold secrets"),
        (".git/config", "inside .git/ (protected)"),
        (".planning/trace.jsonl", "inside .planning/ (protected)"),
        ("../secret.txt", "outside the project"),
        ("/etc/passwd", "outside the project"),
        ("~/.ssh/id_rsa", "outside the project"),
        ("", "not a usable path"),
    ],
)
def test_paths_as_written(root: Path, rel: str, reason: str | None) -> None:
    assert read_refusal(root, rel, home=root.parent) == reason


def test_symlinks_are_resolved_then_checked(root: Path) -> None:
    outside = root.parent / "outside.txt"
    outside.write_text("x\n")
    (root / "out.txt").symlink_to(outside)
    (root / "env_alias").symlink_to(root / ".env")
    (root / "src" / "linked").symlink_to(root / ".git")
    (root / "ok_alias.py").symlink_to(root / "src" / "app.py")
    home = root.parent
    assert read_refusal(root, "out.txt", home=home) == "a symlink leads outside the project"
    assert read_refusal(root, "env_alias", home=home) == (
        "a symlink leads to a hidden file (.env files hold secrets)"
    )
    assert read_refusal(root, "src/linked/config", home=home) == (
        "a symlink leads to a hidden file (inside .git/ (protected))"
    )
    assert read_refusal(root, "ok_alias.py", home=home) is None


def test_a_project_at_home_still_hides_the_secret_stores(tmp_path: Path) -> None:
    home = tmp_path / "me"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("key\n")
    (home / "private").mkdir()
    reason = read_refusal(home, ".ssh/id_rsa", home=home)
    assert reason is not None and reason.startswith("inside ") and "(a secret store)" in reason
    assert read_refusal(home, "private/notes.txt", home=home, hide=("private",)) is not None
    assert read_refusal(home, "notes.txt", home=home, hide=("private",)) is None
