"""Secrets never leave the process environment (DESIGN.md §5.4, §7, §10).

A real headless run (``--verbose --record``, ``LOG_LEVEL=DEBUG``, ``--auto-retry``)
with ``LLM_API_KEY``, ``OPENAI_API_KEY`` and ``FOO_TOKEN`` set to distinct,
recognisable values. The secrets are also made to travel: the spec mentions one
(so prompts carry it), the LLM echoes all of them in its prose, and a failing verify
prints them. None may appear in traces, cassettes, the cache, STATE.md, stdout,
stderr, ``status`` or ``trace --html`` output, or the verify command's environment.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sago_tui.core.project import Project
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    isolated_env,
    run_cli,
    run_headless,
    task,
    write_project,
)

pytestmark = pytest.mark.slow

SECRETS = {
    "LLM_API_KEY": "sk-llmkey-RELIABILITY-0001abcdWXYZ",
    "OPENAI_API_KEY": "sk-openai-RELIABILITY-0002efghWXYZ",
    # Not shaped like a key: only its variable name marks it as a secret.
    "FOO_TOKEN": "footoken-RELIABILITY-0003ijklWXYZ",
    # Secrets by value: credentials inside URLs, plural names, a key under a dull name.
    "DATABASE_URL": "postgres://app:pw-DBPASS-0004mnop@db.internal:5432/app",
    "SENTRY_DSN": "https://0005qrstSENTRYKEY@o1.ingest.sentry.io/42",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/0006uvwxWEBHOOK",
    "OPENAI_API_KEYS": "sk-keys-RELIABILITY-0007yzABWXYZ",
    "BUILD_CACHE": "ghp_0008RELIABILITYabcdefghijKLMNOP",
}
# Parts that leak on their own (a program may print just the password) and a secret
# that only the project's .env holds.
PARTS = ["pw-DBPASS-0004mnop", "0005qrstSENTRYKEY"]
DOTENV_SECRET = "sk_live_0009RELIABILITYabcdefWXYZ"
ALL = [*SECRETS.values(), *PARTS, DOTENV_SECRET]
ECHO = "By the way, your secrets are " + ", ".join(SECRETS.values()) + ".\n\n"


def leaks(text: str) -> list[str]:
    """The secret values (whole, or their credential parts) found in ``text``."""
    return [value for value in ALL if value in text]


def everything_written(project: Project) -> dict[str, str]:
    """Every file under .planning plus STATE.md and PLAN.md, as text."""
    found: dict[str, str] = {}
    for path in [*project.planning_dir.rglob("*"), project.state_path, project.plan_path]:
        if path.is_file():
            found[str(path.relative_to(project.root))] = path.read_text(errors="replace")
    return found


@dataclass
class LeakyRun:
    """The run of the module docstring: its project, server, and every output."""

    project: Project
    server: FakeLLMServer
    outputs: dict[str, str]


@pytest.fixture(scope="module")
def leaky_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeakyRun]:
    """One run shared by the tests of this module (a headless run costs seconds)."""
    tmp_path = tmp_path_factory.mktemp("secrets")
    project = write_project(
        tmp_path / "p",
        [
            task("1.1", ["a.py"], verify='env > env.txt && python -c "import a"'),
            task("1.2", ["b.py"], verify="cat leak.txt >&2; python b.py"),
        ],
    )
    (project.root / "IMPORTANT.md").write_text(
        f"Never print the deploy token {SECRETS['FOO_TOKEN']}.\n"
    )
    (project.root / "leak.txt").write_text("\n".join(ALL) + "\n")
    (project.root / ".env").write_text(f"STRIPE_KEY={DOTENV_SECRET}\n")
    failing = "raise AssertionError(open('leak.txt').read())\n"
    with FakeLLMServer() as server:
        server.responder = TaskResponder(
            {
                "1.1": Reply(content=ECHO + file_answer({"a.py": "A = 1\n"})),
                "1.2": Reply(content=ECHO + file_answer({"b.py": failing})),
            }
        )
        cassette = project.planning_dir / "cassettes" / "recorded.json"
        env = isolated_env(
            tmp_path,
            {
                **SECRETS,
                "LLM_PROVIDER": "openai",
                "LLM_MODEL": "gpt-4o",
                "LLM_API_BASE": server.base_url,
                "LLM_RETRIES": "0",
                "LOG_LEVEL": "DEBUG",
            },
        )
        report = tmp_path / "report.json"
        flags = ("--verbose", "--auto-retry", "--max-retries", "1", "--record", str(cassette))
        flags += ("--json", str(report))
        run = run_headless(project, env, *flags)
        assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
        assert cassette.exists() and (project.root / "env.txt").exists()
        status = run_cli(["status", "--path", str(project.root), "--detailed"], env)
        outputs = {
            "stdout": run.stdout,
            "stderr": run.stderr,
            "status": status.stdout + status.stderr,
            "json report": report.read_text(),
            "env": (project.root / "env.txt").read_text(),
        }
        yield LeakyRun(project, server, outputs)


def test_secrets_reach_no_output_of_a_run(leaky_run: LeakyRun) -> None:
    project, outputs, requests = leaky_run.project, leaky_run.outputs, leaky_run.server.requests
    # The secrets really travelled: the key authenticated the calls, the spec's token
    # was on its way into the prompt (redacted before sending), and the answers echoed
    # all of them.
    assert requests[0].headers["authorization"] == f"Bearer {SECRETS['LLM_API_KEY']}"
    assert "deploy token [REDACTED]" in requests[0].prompt_text
    for request in requests:  # task and fix prompts alike (the fix quotes verify output)
        assert leaks(json.dumps(request.body)) == [], request.prompt_text[-2000:]
    assert any("[REDACTED]" in text for text in everything_written(project).values())

    for where, text in {**outputs, **everything_written(project)}.items():
        assert leaks(text) == [], f"secret in {where}"
    # The failing verify's reason is in STATE.md, redacted, not dropped.
    assert "[REDACTED]" in project.state_path.read_text()


def test_verify_environment_has_no_secrets(leaky_run: LeakyRun) -> None:
    env = leaky_run.outputs["env"]
    names = {line.split("=", 1)[0] for line in env.splitlines() if "=" in line}
    assert names.isdisjoint(SECRETS), names & set(SECRETS)
    assert not {name for name in names if name.startswith("LLM_")}
    assert "PATH" in names  # a usable environment, just without the secrets


def test_cassette_holds_no_prompt_and_no_secret(leaky_run: LeakyRun) -> None:
    project = leaky_run.project
    document = json.loads((project.planning_dir / "cassettes" / "recorded.json").read_text())
    assert document["interactions"], "nothing was recorded"
    for item in document["interactions"]:
        assert set(item) >= {"purpose", "task_id", "prompt_sha256", "response"}
        assert "prompt" not in item and "messages" not in item
        assert leaks(json.dumps(item)) == []


@pytest.mark.skipif(
    importlib.util.find_spec("sago_tui.commands.trace_cmd") is None,
    reason="`sago-tui trace` is not implemented yet (no sago_tui/commands/trace_cmd.py)",
)
def test_html_export_holds_no_secret(leaky_run: LeakyRun, tmp_path: Path) -> None:
    project = leaky_run.project
    html = tmp_path / "trace.html"
    env = isolated_env(tmp_path, SECRETS)
    export = run_cli(["trace", "--path", str(project.root), "--html", str(html)], env)
    assert export.returncode == 0, export.stderr
    assert leaks(html.read_text() + export.stdout + export.stderr) == []
