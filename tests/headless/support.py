"""Helpers for the headless CI suite: tiny projects, cassettes, the CLI as a subprocess.

Most runs here replay a hand-written cassette (``--replay``): no litellm import, so a
run costs a fraction of a second. Only the tests that are about the live provider
path (an outage, recording) talk to :class:`~tests.llm_server.FakeLLMServer`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sago_tui.core.cassette import Interaction
from tests.llm_server import file_answer
from tests.subprocess_env import isolated_env, run_sago

ANSI = "\x1b["


@dataclass
class T:
    """One task of a test plan."""

    id: str
    files: list[str]
    verify: str = "true"
    name: str = ""
    depends_on: list[str] = field(default_factory=list)
    content: dict[str, str] | None = None  # what the recorded answer writes

    def answer(self) -> str:
        files = self.content or {name: f"# {self.id}\n" for name in self.files}
        return file_answer(files)


def plan_text(phases: Sequence[Sequence[T]]) -> str:
    """PLAN.md holding ``phases`` (lists of tasks)."""
    lines = ["# PLAN", "", "```xml", "<phases>"]
    for number, tasks in enumerate(phases, 1):
        lines += [f'  <phase name="Phase {number}: Part {number}">', "    <description/>"]
        for task in tasks:
            deps = f' depends_on="{", ".join(task.depends_on)}"' if task.depends_on else ""
            lines += [
                f'    <task id="{task.id}"{deps}>',
                f"      <name>{escape(task.name or f'Task {task.id}')}</name>",
                f"      <files>{', '.join(task.files)}</files>",
                "      <action>Write the files.</action>",
                f"      <verify>{escape(task.verify)}</verify>",
                "      <done>Done.</done>",
                "    </task>",
            ]
        lines.append("  </phase>")
    return "\n".join([*lines, "</phases>", "```", ""])


def make_project(root: Path, phases: Sequence[Sequence[T]] | None) -> Path:
    """A project at ``root`` with the spec and (unless ``phases`` is None) PLAN.md."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "PROJECT.md").write_text("# Tiny\n\nA project for headless tests.\n")
    (root / "REQUIREMENTS.md").write_text("* [ ] **REQ-1:** it works\n")
    if phases is not None:
        (root / "PLAN.md").write_text(plan_text(phases))
    return root


def interaction(purpose: str, task_id: str | None, content: str) -> dict[str, Any]:
    """One recorded answer in the cassette format (``sago_tui.core.cassette``)."""
    record = Interaction(purpose, task_id, 1, "", content, "stop", 120, 30, "gpt-4o")
    return record.to_record()


def write_cassette(path: Path, phases: Sequence[Sequence[T]], *, with_plan: bool = False) -> Path:
    """A cassette answering the plan call (optionally) and each task once."""
    items = [interaction("plan", None, plan_text(phases))] if with_plan else []
    items += [interaction("task", t.id, t.answer()) for tasks in phases for t in tasks]
    document = {"version": 1, "model": "gpt-4o", "interactions": items}
    path.write_text(json.dumps(document, indent=2))
    return path


def base_env(tmp: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: no user config, no CI variables, no inherited secrets."""
    return isolated_env(tmp / "home", extra)


def sago(
    args: Sequence[str | Path],
    env: Mapping[str, str],
    *,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``python -m sago_tui ARGS`` to completion, stdin closed, output captured."""
    return run_sago(args, env, cwd=cwd, timeout=timeout)


def headless(
    root: Path, env: Mapping[str, str], *flags: str | Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``sago-tui --headless ROOT FLAGS``."""
    return sago(["--headless", root, *flags], env, cwd=root.parent, timeout=timeout)


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    """A user-facing failure is one line, never a Python traceback."""
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
