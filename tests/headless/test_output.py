"""The live log as a CI server records it: plain text, stable width, the right amount.

stdout is a pipe here, exactly as under a CI runner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.headless.support import ANSI, T, base_env, headless, make_project, write_cassette
from tests.llm_server import TEST_API_KEY

COLOURED = "python -c \"import sys; print(chr(27) + '[31mred' + chr(27) + '[0m'); sys.exit(3)\""
LONG = 'python -c "' + "; ".join(f"x{i} = {i}" for i in range(60)) + '"'
PHASES = [
    [
        T("1.1", ["out/a.txt"], verify="test -f out/a.txt", name="Write a"),
        T("1.2", ["out/b.txt"], verify=COLOURED, name="Colourful failure"),
        T("1.3", ["out/c.txt"], verify=LONG, name="A long verify command " * 6),
    ]
]
WIDTH = 120


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("output")
    root = make_project(tmp / "proj", PHASES)
    env = base_env(tmp, {"LLM_API_KEY": TEST_API_KEY, "COLUMNS": "50"})
    return root, write_cassette(tmp / "answers.json", PHASES), env


_OUTPUTS: dict[tuple[object, ...], str] = {}


def run(project: tuple[Path, Path, dict[str, str]], *flags: str, **env: str) -> str:
    """stdout of one run (each combination of flags and variables runs once per module)."""
    root, cassette, base = project
    key = (root, flags, tuple(sorted(env.items())))
    if key not in _OUTPUTS:
        proc = headless(root, {**base, **env}, "--replay", cassette, "--no-cache",
                        "--continue-on-failure", *flags)  # fmt: skip
        assert proc.returncode == 1, proc.stdout + proc.stderr
        _OUTPUTS[key] = proc.stdout
    return _OUTPUTS[key]


@pytest.mark.parametrize("flags", [(), ("--verbose",), ("--quiet",)])
def test_no_ansi_codes_and_a_stable_width_off_a_terminal(
    project: tuple[Path, Path, dict[str, str]], flags: tuple[str, ...]
) -> None:
    out = run(project, *flags)
    assert ANSI not in out and "\x1b" not in out
    assert "red" in out  # the tool's coloured output, without its colour codes
    assert "[/" not in out and "[bold" not in out  # no Rich markup left over
    # COLUMNS=50 is ignored: off a terminal the log is always 120 columns wide.
    assert max(len(line) for line in out.splitlines()) <= WIDTH
    assert any(len(line) > 50 for line in out.splitlines())


def test_long_commands_fold_onto_indented_lines(project: tuple[Path, Path, dict[str, str]]) -> None:
    normal = run(project).splitlines()
    start = next(i for i, line in enumerate(normal) if line.startswith("  verify PASS python -c"))
    folded = normal[start + 1 : start + 4]
    assert all(line.startswith("      ") for line in folded)
    assert normal[start + 3].endswith("…")  # capped at four lines without --verbose
    verbose = run(project, "--verbose")
    assert "x59 = 59" in verbose  # --verbose shows the whole command


def test_quiet_prints_only_failures_and_the_summary(
    project: tuple[Path, Path, dict[str, str]],
) -> None:
    lines = run(project, "--quiet").splitlines()
    assert lines[0].startswith("✗ 1.2 failed:")
    assert "    | red" in lines  # why it failed, although no verify line was printed
    for absent in ("▶", "✓", "verify PASS", "sago-tui run ·", "trace:", "warning:"):
        assert not any(absent in line for line in lines), absent
    assert "Run summary" in lines
    assert "2 passed, 1 failed · 450 tokens" in "\n".join(lines)
    assert lines[-1] == "result: failed: 1.2 (exit 1)"


def test_normal_and_verbose_logs(project: tuple[Path, Path, dict[str, str]]) -> None:
    normal = run(project)
    for expected in ("▶ 1.1 Write a", "  verify PASS test -f out/a.txt", "✓ 1.1 passed",
                     "  verify FAIL python -c", "✗ 1.2 failed", "Run summary"):  # fmt: skip
        assert expected in normal, expected
    assert "llm task" not in normal and "wrote out/a.txt" not in normal
    verbose = run(project, "--verbose")
    assert "  llm task gpt-4o 120→30 tok" in verbose
    assert "  wrote out/a.txt" in verbose or "  created out/a.txt" in verbose
    assert TEST_API_KEY not in normal + verbose


def test_parallel_verify_lines_name_their_task(
    project: tuple[Path, Path, dict[str, str]],
) -> None:
    """Parallel tasks interleave: each verify line says which task it belongs to."""
    lines = run(project, "--parallel", "3").splitlines()
    assert "  1.1 verify PASS test -f out/a.txt" in "\n".join(lines)
    assert any(line.startswith("  1.2 verify FAIL python -c") for line in lines)
    assert any(line.startswith("  1.3 verify PASS python -c") for line in lines)
    assert not any(line.startswith("  verify ") for line in lines)
    serial = run(project)  # one task at a time: the line under "▶ 1.1" needs no id
    assert "  verify PASS test -f out/a.txt" in serial and " 1.1 verify" not in serial


def test_force_color_styles_and_no_color_wins(project: tuple[Path, Path, dict[str, str]]) -> None:
    assert ANSI in run(project, FORCE_COLOR="1")
    assert ANSI not in run(project, FORCE_COLOR="1", NO_COLOR="1")
    assert ANSI not in run(project, FORCE_COLOR="0")
