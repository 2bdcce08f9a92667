"""Hostile LLM answers: paths that try to leave the project or reach sago's own files.

One answer carries a legitimate file and every kind of hostile path. The task even
*declares* the hostile paths that PLAN.md validation lets through (symlinked
directories, case variants, nested ``.planning``), so the refusal under test is the
writer's, not only the "undeclared" rule. Only the legitimate file may be written;
each hostile path is refused with a ``file_refused`` event and a headless line;
nothing outside the project or in a protected place changes.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from sago_tui.core.errors import ExitCode
from sago_tui.core.paths import normalize_relpath
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.state import TaskStatus
from sago_tui.headless import NORMAL, QUIET, HeadlessPrinter
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    files_under,
    run_in_process,
    state_of,
    task,
    trace_records,
    write_project,
)

PAYLOAD = "PWNED = True  # written by a hostile answer\n"
GOOD = {"ok.py": "OK = 1\n"}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the project, with a file an attacker would like to change."""
    target = tmp_path / "outside"
    target.mkdir()
    (target / "victim.txt").write_text("precious\n")
    return target


def hostile_paths(outside: Path) -> dict[str, str]:
    """Hostile path → a word of the reason the writer must give."""
    return {
        "../escape.py": "..",
        "src/../../escape2.py": "..",
        "..\\win.py": "..",
        str(outside / "abs.py"): "absolute",
        "/etc/sago-pwned": "absolute",
        "~/.bashrc": "absolute",
        "C:/x.py": "absolute",
        "link/evil.py": "outside the project",
        "escape_link.py": "outside the project",
        ".git/hooks/pre-commit": "protected",
        "./.git/config": "protected",
        ".GIT/config": "protected",
        "gitlink/hooks/pre-commit": "protected",
        "PLAN.md": "protected",
        "plan.md": "protected",
        "STATE.md": "protected",
        "PROJECT.md": "protected",
        "REQUIREMENTS.md": "protected",
        "sago.toml": "protected",
        ".env": "protected",
        "alias.md": "protected",
        ".planning/cache/1.1.json": "protected",
        ".planning/approval.json": "protected",
        "sub/.planning/x.json": "protected",
        "undeclared.py": "not among the task's declared files",
    }


# What the task declares besides ok.py: every hostile path PLAN.md validation accepts.
DECLARED_HOSTILE = [
    "link/evil.py",
    "escape_link.py",
    "gitlink/hooks/pre-commit",
    "plan.md",
    "alias.md",
    "sub/.planning/x.json",
]


def test_hostile_paths_are_refused_and_reported(
    tmp_path: Path, outside: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(
        tmp_path / "p", [task("1.1", ["ok.py", *DECLARED_HOSTILE], verify="test -f ok.py")]
    )
    root = project.root
    (root / ".git/hooks").mkdir(parents=True)
    (root / ".git/config").write_text("[core]\n")
    (root / "sago.toml").write_text("[run]\nparallel = 1\n")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "escape_link.py").symlink_to(outside / "victim.txt")
    (root / "gitlink").symlink_to(root / ".git", target_is_directory=True)
    (root / "alias.md").symlink_to(root / "PLAN.md")
    plan_before = (root / "PLAN.md").read_bytes()
    spec_before = (root / "PROJECT.md").read_bytes()
    git_before = {p: (root / ".git" / p).read_bytes() for p in files_under(root / ".git")}
    outside_before = files_under(outside)
    hostile = hostile_paths(outside)
    answer = file_answer({**GOOD, **dict.fromkeys(hostile, PAYLOAD)})
    llm_server.responder = TaskResponder({"1.1": Reply(content=answer)})
    printed = io.StringIO()
    printer = HeadlessPrinter(Console(file=printed, width=200, no_color=True), QUIET)

    run = run_in_process(project, llm_server, sinks=[printer])

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert (root / "ok.py").read_text() == GOOD["ok.py"]
    assert run.result.outcomes["1.1"].files_written == ["ok.py"]
    events = run.of_type("file_refused")
    # Declared files that lead outside or into .git/ are not even read into the prompt.
    not_read = {e.path for e in events if e.reason.startswith("not read:")}  # type: ignore[attr-defined]
    assert not_read == {"link/evil.py", "escape_link.py", "gitlink/hooks/pre-commit"}
    writes = [e for e in events if not e.reason.startswith("not read:")]  # type: ignore[attr-defined]
    refused = {e.path: e.reason for e in writes}  # type: ignore[attr-defined]
    # Each refusal names the path (as normalised: `/` separators, no `./`) and why.
    assert set(refused) == {normalize_relpath(path) for path in hostile}
    for path, why in hostile.items():
        assert why in refused[normalize_relpath(path)], (path, refused[normalize_relpath(path)])
    # Reported even with --quiet: every refusal has its own headless line.
    lines = [line for line in printed.getvalue().splitlines() if line.strip().startswith("refused")]
    assert len([line for line in lines if "not read:" not in line]) == len(hostile)
    assert len(lines) == len(hostile) + len(not_read)
    # Nothing changed outside the project or in a protected place.
    assert files_under(outside) == outside_before
    assert (outside / "victim.txt").read_text() == "precious\n"
    assert not Path("/etc/sago-pwned").exists()
    assert not (tmp_path / "escape.py").exists() and not (tmp_path / "escape2.py").exists()
    assert (root / "PLAN.md").read_bytes() == plan_before
    assert (root / "PROJECT.md").read_bytes() == spec_before
    assert (root / "sago.toml").read_text() == "[run]\nparallel = 1\n"
    assert not (root / ".env").exists()
    assert {p: (root / ".git" / p).read_bytes() for p in files_under(root / ".git")} == git_before
    assert not (root / ".planning/approval.json").exists()
    assert PAYLOAD not in (root / ".planning/cache/1.1.json").read_text()
    assert not (root / "sub").exists() and not (root / "~").exists()
    assert not (root / "undeclared.py").exists()
    load_plan(root / "PLAN.md")  # still a valid plan
    assert state_of(project).records["1.1"].status == TaskStatus.PASSED
    # Symlinks were not replaced by regular files either.
    assert (root / "escape_link.py").is_symlink() and (root / "alias.md").is_symlink()


def test_answer_with_only_hostile_paths_fails_the_task(
    tmp_path: Path, outside: Path, llm_server: FakeLLMServer
) -> None:
    project = write_project(tmp_path / "p", [task("1.1", ["ok.py"])])
    hostile = hostile_paths(outside)
    answer = file_answer(dict.fromkeys(hostile, PAYLOAD))
    llm_server.responder = TaskResponder({"1.1": Reply(content=answer)})
    printed = io.StringIO()
    printer = HeadlessPrinter(Console(file=printed, width=300, no_color=True), NORMAL)

    run = run_in_process(project, llm_server, sinks=[printer])

    assert run.result.exit_code == ExitCode.TASK_FAILED
    record = state_of(project).records["1.1"]
    assert record.status == TaskStatus.FAILED
    assert record.error.startswith("no_files: every file in the answer was refused")
    assert len(run.of_type("file_refused")) == len(hostile)
    assert not run.of_type("file_write")
    assert files_under(outside) == {"victim.txt"}
    output = printed.getvalue()
    assert "refused ../escape.py: path leaves the project" in output
    assert "✗ 1.1 failed: no_files: every file in the answer was refused" in output
    # The project holds nothing but what the test and sago's bookkeeping put there.
    assert {p for p in files_under(project.root) if not p.startswith(".planning/")} == {
        "PLAN.md",
        "PROJECT.md",
        "REQUIREMENTS.md",
        "STATE.md",
    }


def test_fix_answer_is_held_to_the_same_rules(
    tmp_path: Path, outside: Path, llm_server: FakeLLMServer
) -> None:
    """The fix loop writes through the same gate: a fix that escapes is refused too."""
    project = write_project(tmp_path / "p", [task("1.1", ["ok.py"], verify="python ok.py")])
    first = file_answer({"ok.py": "raise SystemExit(1)\n"})
    fix = file_answer({"ok.py": "OK = 1\n", "../escape.py": PAYLOAD, "PLAN.md": PAYLOAD})
    llm_server.responder = TaskResponder({"1.1": [Reply(content=first), Reply(content=fix)]})

    run = run_in_process(project, llm_server, auto_retry=True, max_retries=1)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    refused = [e for e in run.of_type("file_refused") if e.agent == "SelfHealingAgent"]
    assert {e.path for e in refused} == {"../escape.py", "PLAN.md"}  # type: ignore[attr-defined]
    assert not (tmp_path / "escape.py").exists()
    assert PAYLOAD not in (project.root / "PLAN.md").read_text()


def test_answer_with_lone_surrogates_is_written_as_valid_utf8(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """JSON may carry ``\\ud800``, which no UTF-8 file or trace line can hold: the text is
    repaired (U+FFFD) instead of failing the write, the trace and every later event."""
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"]), task("1.2", ["b.py"])])
    llm_server.responder = TaskResponder(
        {
            "1.1": Reply(content=file_answer({"a.py": "X = '\ud800'  # \udcff\n"})),
            "1.2": Reply(content=file_answer({"b.py": "Y = 1\n"})),
        }
    )

    run = run_in_process(project, llm_server)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert (project.root / "a.py").read_text(encoding="utf-8") == "X = '\ufffd'  # \ufffd\n"
    records = trace_records(project)
    assert records[-1]["event_type"] == "workflow_end" and records[-1]["data"]["success"]
    assert not run.of_type("error")


def test_project_with_an_undecodable_file_name_still_runs(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    """A file name that is not UTF-8 lands in the project tree of every prompt."""
    project = write_project(tmp_path / "p", [task("1.1", ["a.py"])])
    os.close(os.open(os.path.join(os.fsencode(project.root), b"bad\xffname.txt"), os.O_CREAT))
    llm_server.responder = TaskResponder({"1.1": Reply(content=file_answer({"a.py": "A = 1\n"}))})

    run = run_in_process(project, llm_server)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert "bad\ufffdname.txt" in llm_server.requests[0].prompt_text
    assert trace_records(project)[-1]["event_type"] == "workflow_end"
