"""Configuration mistakes are never silent: unknown keys warn once with a suggestion, an
API key in sago.toml is refused, a number of thousands of digits is a one-line error."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import T, make_project, run_cli

TASKS = [T("1.1", ["a.py"])]


def test_unknown_keys_warn_once_with_file_line_and_suggestion(tmp_path: Path) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS, toml="[run]\nparalel = 3\n\n[llm]\nmodle = 'gpt-4o'\n")
    proc = run_cli(["run", "--dry-run", "-p", str(root)], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "unknown key" in line]
    assert warnings == [
        "sago-tui: warning: sago.toml:2: unknown key [run] paralel (did you mean parallel?)",
        "sago-tui: warning: sago.toml:5: unknown key [llm] modle (did you mean model?)",
    ]


def test_an_api_key_in_sago_toml_stops_every_command(tmp_path: Path) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS, toml='[llm]\napi_key = "sk-committed-by-mistake-0123456789"\n')
    proc = run_cli(["run", "--dry-run", "-p", str(root)], tmp_path)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("sago-tui: error: sago.toml:2: [llm] api_key: API keys belong in .env")
    assert "sk-committed" not in proc.stdout + proc.stderr


def test_a_huge_parallel_is_a_one_line_error(tmp_path: Path) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS)
    proc = run_cli(["run", "--dry-run", "-p", str(root), "--parallel", "7" * 5000], tmp_path)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("sago-tui: error: --parallel: expected an integer ≥ 1, got ")
    assert len(line) < 200
