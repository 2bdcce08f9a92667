"""Which paths the LLM may write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sago_tui.core.paths import PathRefused, normalize_relpath, resolve_writable_path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("src/a.py", "src/a.py"),
        ("  ./src/a.py  ", "src/a.py"),
        ("`src/a.py`", "src/a.py"),
        ("'src/a.py'", "src/a.py"),
        ('"./src//a.py"', "src/a.py"),
        ("src\\pkg\\a.py", "src/pkg/a.py"),
        ("././a", "a"),
        ("src/./a.py", "src/a.py"),
        ("src/", "src"),
        ("../x", "../x"),
        ("/etc/passwd", "/etc/passwd"),
        ("", ""),
    ],
)
def test_normalize_relpath(raw: str, expected: str) -> None:
    assert normalize_relpath(raw) == expected


def _refusal(root: Path, raw: str, declared: list[str] | None = None) -> str:
    with pytest.raises(PathRefused) as caught:
        resolve_writable_path(root, raw, [raw] if declared is None else declared)
    assert caught.value.reason
    return caught.value.reason


def test_declared_path_resolves_inside_root(tmp_path: Path) -> None:
    target = resolve_writable_path(tmp_path, "./src/app.py", ["src/app.py"])
    assert target == tmp_path.resolve() / "src" / "app.py"


def test_declared_list_is_compared_normalized(tmp_path: Path) -> None:
    assert resolve_writable_path(tmp_path, "src/a.py", ["`./src\\a.py`"]).name == "a.py"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty path"),
        ("  ", "empty path"),
        ("a\x00b", "NUL byte"),
        ("../x", ".."),
        ("src/../../x", ".."),
        ("/etc/passwd", "absolute"),
        ("~/.bashrc", "absolute"),
        ("C:\\Windows\\x", "absolute"),
        (".git/hooks/pre-commit", ".git"),
        ("sub/.git/config", ".git"),
        (".planning/cache/x", ".planning"),
        ("PLAN.md", "protected"),
        ("STATE.md", "protected"),
        ("plan.md", "protected"),
        ("PROJECT.md", "protected"),
        ("REQUIREMENTS.md", "protected"),
        ("sago.toml", "protected"),
        (".env", "protected"),
        ("x" * 300, "too long"),
    ],
)
def test_hostile_paths_refused_even_when_declared(tmp_path: Path, raw: str, reason: str) -> None:
    assert reason in _refusal(tmp_path, raw)


def test_undeclared_path_refused(tmp_path: Path) -> None:
    assert "declared" in _refusal(tmp_path, "src/other.py", ["src/a.py"])


def test_nested_protected_name_is_allowed(tmp_path: Path) -> None:
    # Only the project's own PLAN.md is sago's; docs/PLAN.md is an ordinary file.
    assert resolve_writable_path(tmp_path, "docs/PLAN.md", ["docs/PLAN.md"]).name == "PLAN.md"


def test_symlink_target_pointing_outside_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "proj", tmp_path / "outside.txt"
    root.mkdir()
    outside.write_text("keep")
    (root / "link.txt").symlink_to(outside)
    assert "outside the project" in _refusal(root, "link.txt")


def test_symlinked_parent_dir_pointing_outside_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "sub").symlink_to(elsewhere, target_is_directory=True)
    assert "outside the project" in _refusal(root, "sub/new.py")


def test_symlink_inside_project_to_git_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sneaky").symlink_to(tmp_path / ".git", target_is_directory=True)
    assert ".git" in _refusal(tmp_path, "sneaky/config")


def test_symlink_target_inside_project_refused(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    assert "symlink" in _refusal(tmp_path, "alias.txt")


def test_dangling_symlink_refused(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "missing.txt")
    assert "symlink" in _refusal(tmp_path, "dangling")


def test_symlinked_parent_inside_project_allowed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    target = resolve_writable_path(tmp_path, "alias/x.py", ["alias/x.py"])
    assert target == tmp_path.resolve() / "real" / "x.py"


def test_directory_target_refused(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    assert "directory" in _refusal(tmp_path, "src")


def test_parent_that_is_a_file_refused(tmp_path: Path) -> None:
    (tmp_path / "src").write_text("not a dir")
    assert "not a directory" in _refusal(tmp_path, "src/a.py")


def test_root_given_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "via")
    target = resolve_writable_path(tmp_path / "via", "a.py", ["a.py"])
    assert target == (tmp_path / "real" / "a.py").resolve()


def test_refusal_carries_path_and_reason(tmp_path: Path) -> None:
    with pytest.raises(PathRefused) as caught:
        resolve_writable_path(tmp_path, "./../up.txt", [])
    assert caught.value.path == "../up.txt"
    assert str(caught.value) == f"../up.txt: {caught.value.reason}"
