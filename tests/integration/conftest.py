"""Fixtures for the engine's end-to-end tests (tests/integration/test_engine_*.py).

Everything here is real: projects are real directories under ``tmp_path``, the LLM is
:class:`~tests.llm_server.FakeLLMServer` on loopback reached through litellm, verify
commands run through ``/bin/sh``. Two ways to drive the product:

* :func:`run_cli` starts ``python -m sago_tui ...`` as a subprocess (stdin closed), for
  exit codes, signals and anything that needs a separate process;
* the ``cli`` fixture calls :func:`sago_tui.cli.main` in this process with a clean
  environment, which is much faster (litellm is imported once per test session).

:class:`ScriptedLLM` is a server responder that answers by task id, parsed from the
request's last user message ("Write the files for task 1.2 (...)", or "Task 1.2: ..." for
a fix), and by purpose for the plan and ``init --prompt`` calls.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sago_tui.config_keys import KEYS
from sago_tui.core.project import Project
from sago_tui.core.state import initial_state_text
from tests.llm_server import (
    TEST_API_KEY,
    FakeLLMServer,
    RecordedRequest,
    Reply,
    env_for,
    file_answer,
)

PY = sys.executable
REPO = Path(__file__).resolve().parents[2]

# Every variable the configuration reads, so no test inherits one from the developer.
_CONFIG_VARS = {
    *(name for info in KEYS for name in (*info.env, *info.fallback_env)),
    "ENABLE_PARALLEL_EXECUTION",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "LLM_REPLAY",
    "LLM_RECORD",
}


# -- plans and projects ---------------------------------------------------------------------
@dataclass
class T:
    """One task of a test plan."""

    id: str
    files: Sequence[str]
    verify: str = ""
    action: str = ""
    name: str = ""
    depends_on: Sequence[str] = ()
    done: str = "done"

    def xml(self) -> str:
        deps = f' depends_on="{", ".join(self.depends_on)}"' if self.depends_on else ""
        action = self.action or f"Write {', '.join(self.files)} for task {self.id}."
        return (
            f'    <task id="{self.id}"{deps}>\n'
            f"      <name>{self.name or 'Task ' + self.id}</name>\n"
            f"      <files>{', '.join(self.files)}</files>\n"
            f"      <action>{_xml_text(action)}</action>\n"
            f"      <verify>{_xml_text(self.verify)}</verify>\n"
            f"      <done>{_xml_text(self.done)}</done>\n"
            "    </task>\n"
        )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


Phases = Sequence[tuple[str, Sequence[T]]]


def plan_md(phases: Phases | Sequence[T]) -> str:
    """PLAN.md text for ``phases`` (a bare task list is one phase)."""
    if phases and isinstance(phases[0], T):
        phases = [("Phase 1: Build", phases)]  # type: ignore[list-item]
    body = []
    for name, tasks in phases:  # type: ignore[misc]
        body.append(f'  <phase name="{name}">\n    <description>{name}</description>\n')
        body.extend(task.xml() for task in tasks)
        body.append("  </phase>\n")
    return "# Plan\n\nA test plan.\n\n```xml\n<phases>\n" + "".join(body) + "</phases>\n```\n"


def all_tasks(phases: Phases | Sequence[T]) -> list[T]:
    if phases and isinstance(phases[0], T):
        return list(phases)  # type: ignore[arg-type]
    return [t for _, tasks in phases for t in tasks]  # type: ignore[misc]


def make_project(
    root: Path,
    plan: Phases | Sequence[T] | str | None = None,
    files: Mapping[str, str] | None = None,
    *,
    dotenv: Mapping[str, str] | None = None,
    toml: str | None = None,
) -> Project:
    """A sago project at ``root``: spec files, STATE.md, PLAN.md (if given), extra files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "PROJECT.md").write_text("# Test project\n\nA tiny project for tests.\n")
    (root / "REQUIREMENTS.md").write_text("# Requirements\n\n* [ ] **REQ-1:** It works.\n")
    (root / "IMPORTANT.md").write_text("# Important\n\nKeep it simple.\n")
    (root / "STATE.md").write_text(initial_state_text(root.name))
    if plan is not None:
        text = plan if isinstance(plan, str) else plan_md(plan)
        (root / "PLAN.md").write_text(text)
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    if dotenv is not None:
        (root / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    if toml is not None:
        (root / "sago.toml").write_text(toml)
    return Project.at(root)


# -- the scripted LLM ---------------------------------------------------------------------------
_TASK = re.compile(r"Write the files for task (\S+) \(")
_FIX = re.compile(r"^Task (\S+): ")

Answer = Reply | str | Callable[[RecordedRequest], Reply | str]


def request_key(request: RecordedRequest) -> tuple[str, str]:
    """(purpose, key) of a request: ("task", "1.2"), ("fix", "1.2"), ("plan", ""), ("init", "")."""
    users = [m for m in request.messages if m.get("role") == "user"]
    last = str(users[-1].get("content") or "") if users else ""
    if match := _FIX.match(last):
        return "fix", match.group(1)
    if matches := _TASK.findall(last):
        return "task", matches[-1]
    if "PLAN.md" in last:
        return "plan", ""
    if "Write PROJECT.md and REQUIREMENTS.md" in last:
        return "init", ""
    return "other", ""


def ok_answer(task: T, marker: str = "") -> str:
    """An answer writing every file of ``task`` with a small, valid Python body."""
    files = {name: f"# task {task.id}{marker}\nVALUE = {task.id!r}\n" for name in task.files}
    return file_answer(files)


class ScriptedLLM:
    """A responder for FakeLLMServer that answers by task id.

    ``script[id]`` is a list of answers used in order by that task's calls (its task
    call, then its fix calls); the last one repeats. A task with no script gets
    :func:`ok_answer` when the plan's tasks were given. ``script["plan"]`` and
    ``script["init"]`` answer those calls the same way.
    """

    def __init__(
        self,
        server: FakeLLMServer,
        tasks: Sequence[T] = (),
        script: Mapping[str, Answer | Sequence[Answer]] | None = None,
        *,
        delay: float = 0.0,
    ) -> None:
        self.server = server
        self.tasks = {t.id: t for t in tasks}
        self.script: dict[str, list[Answer]] = {}
        self.delay = delay
        self.delays: dict[str, float] = {}
        self.calls: dict[str, list[RecordedRequest]] = defaultdict(list)
        self.order: list[tuple[str, str]] = []
        for key, value in (script or {}).items():
            self.set(key, value)
        server.responder = self

    def set(self, key: str, value: Answer | Sequence[Answer]) -> None:
        values = list(value) if isinstance(value, list | tuple) else [value]
        self.script[key] = values  # type: ignore[assignment]

    def __call__(self, request: RecordedRequest) -> Reply:
        purpose, task_id = request_key(request)
        key = task_id or purpose
        index = len(self.calls[key])
        self.calls[key].append(request)
        self.order.append((purpose, key))
        answers = self.script.get(key)
        answer: Answer
        if answers:
            answer = answers[min(index, len(answers) - 1)]
        elif key in self.tasks:
            answer = ok_answer(self.tasks[key])
        else:
            return Reply(status=400, error_message=f"ScriptedLLM has no answer for {key!r}")
        if callable(answer):
            answer = answer(request)
        reply = Reply(content=answer) if isinstance(answer, str) else answer
        delay = self.delays.get(key, self.delay)
        if delay and not reply.delay:
            reply = dataclasses.replace(reply, delay=delay)  # scripted Replies stay as written
        return reply

    def count(self, key: str) -> int:
        return len(self.calls.get(key, []))

    def counts(self) -> dict[str, int]:
        return {key: len(value) for key, value in self.calls.items()}


# -- running the product ------------------------------------------------------------------------
def clean_env(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without any sago/LLM setting, with a private user config dir."""
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env["NO_COLOR"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    # Verify commands that say `python` mean this interpreter (the demo's run pytest).
    env["PATH"] = os.pathsep.join((str(Path(PY).parent), env.get("PATH", os.defpath)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
    )
    env.update(extra or {})
    return env


def fast_env(server: FakeLLMServer, **extra: str) -> dict[str, str]:
    """env_for(server) with quick LLM retries and timeouts (tests never wait minutes)."""
    env = env_for(server, LLM_RETRIES="0", LLM_TIMEOUT="60")
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str],
    tmp_path: Path,
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path | None = None,
    timeout: float = 90,
) -> subprocess.CompletedProcess[str]:
    """``python -m sago_tui ARGS`` with stdin closed; returns the finished process."""
    return subprocess.run(
        [PY, "-m", "sago_tui", *args],
        cwd=cwd or tmp_path,
        env=clean_env(tmp_path, env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_cli(
    args: Sequence[str], tmp_path: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """``python -m sago_tui ARGS`` started in the background (stdin closed)."""
    return subprocess.Popen(
        [PY, "-m", "sago_tui", *args],
        cwd=tmp_path,
        env=clean_env(tmp_path, env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class InProcessCli:
    """Runs :func:`sago_tui.cli.main` in this process with a clean environment."""

    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    history: list[CliResult] = field(default_factory=list)

    def __call__(
        self, *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> CliResult:
        from sago_tui.cli import main

        self.capsys.readouterr()
        with self.monkeypatch.context() as patch:
            for name in _CONFIG_VARS:
                patch.delenv(name, raising=False)
            for name, value in clean_env(self.tmp_path, env).items():
                if os.environ.get(name) != value:
                    patch.setenv(name, value)
            patch.chdir(cwd or self.tmp_path)
            code = main(list(args))
        captured = self.capsys.readouterr()
        result = CliResult(code, captured.out, captured.err)
        self.history.append(result)
        return result


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    """``cli("run", "-p", str(root), env=fast_env(srv))`` -> CliResult(code, out, err)."""
    return InProcessCli(tmp_path, monkeypatch, capsys)


# -- reading results ------------------------------------------------------------------------------
ENVELOPE = {
    "event_type",
    "timestamp",
    "trace_id",
    "span_id",
    "parent_span_id",
    "agent",
    "data",
    "duration_ms",
}
# Events that always belong to one task.
TASK_SCOPED = {
    "task_start",
    "task_end",
    "file_write",
    "file_refused",
    "verify_run",
    "cache_hit",
    "cache_miss",
    "fix_attempt",
    "git_commit",
    "task_skip",
    "compression",
}


def latest_trace(root: Path) -> list[dict[str, Any]]:
    """The records of .planning/trace.jsonl (the latest run)."""
    path = root / ".planning" / "trace.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def events(records: Sequence[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["event_type"] == kind]


def check_trace(root: Path, *, exit_code: int | None = None) -> list[dict[str, Any]]:
    """Assert the latest run's trace is complete and well formed; return its records.

    Checks: both files exist with identical content, the seed's envelope on every line,
    one workflow_start first and one workflow_end last (with ``exit_code``), task_id on
    every task-scoped event, and no API key anywhere.
    """
    latest = root / ".planning" / "trace.jsonl"
    records = latest_trace(root)
    assert records, "empty trace"
    run_id = records[0]["data"]["run_id"]
    per_run = root / ".planning" / "traces" / f"{run_id}.jsonl"
    assert per_run.read_text() == latest.read_text()
    for record in records:
        assert set(record) == ENVELOPE, record
        assert record["trace_id"] and record["span_id"] and record["timestamp"]
        if record["event_type"] in TASK_SCOPED:
            assert record["data"].get("task_id"), record
    assert records[0]["event_type"] == "workflow_start"
    assert records[-1]["event_type"] == "workflow_end"
    assert len(events(records, "workflow_end")) == 1
    if exit_code is not None:
        assert records[-1]["data"]["exit_code"] == exit_code
        assert records[-1]["data"]["success"] is (exit_code == 0)
    assert TEST_API_KEY not in latest.read_text()
    return records


def assert_no_secret(root: Path, *texts: str) -> None:
    """The test API key appears in no file of the project (but .env) nor in ``texts``."""
    for text in texts:
        assert TEST_API_KEY not in text
    for path in root.rglob("*"):
        if path.is_file() and path.name != ".env" and ".git" not in path.parts:
            assert TEST_API_KEY.encode() not in path.read_bytes(), path


def state_records(root: Path) -> dict[str, Any]:
    """STATE.md parsed: task id -> TaskRecord."""
    from sago_tui.core.state import parse_state

    return parse_state((root / "STATE.md").read_text()).records


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def pid_alive(pid: int) -> bool:
    """True when ``pid`` runs (a zombie waiting for a reaper counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


@pytest.fixture
def scripted(llm_server: FakeLLMServer) -> Callable[..., ScriptedLLM]:
    """``scripted(tasks, {"1.2": [bad, good]})`` installs a ScriptedLLM on ``llm_server``."""

    def make(
        tasks: Sequence[T] | Phases = (),
        script: Mapping[str, Answer | Sequence[Answer]] | None = None,
        **kwargs: Any,
    ) -> ScriptedLLM:
        return ScriptedLLM(llm_server, all_tasks(tasks) if tasks else [], script, **kwargs)

    return make
