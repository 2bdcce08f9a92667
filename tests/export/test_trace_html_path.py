"""``trace --html`` into a folder that does not exist is refused (exit 2), not created."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.cli import main


def test_missing_parent_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nonexistent" / "dir" / "x.html"
    assert main(["trace", "--demo", "--html", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"sago-tui: error: {out}: no such folder {out.parent}; create it first"
    assert not (tmp_path / "nonexistent").exists()


def test_existing_parent_folder_is_written(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    assert main(["trace", "--demo", "--html", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
