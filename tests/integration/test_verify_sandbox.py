"""Verify commands in the bubblewrap sandbox (DESIGN.md §14), tried as an attacker would.

A task's answer writes ``probe.py``; its verify runs it. The probe tries to read a
canary in the (fake) home's ``.ssh``, the project's ``.env``, to write outside the
project and to connect to a port listening on the host's loopback. Inside the
sandbox every probe fails; with ``sandbox = off`` every probe succeeds (which
proves the probes themselves work). Runs go through the real engine and litellm to
the loopback LLM server. Tests that need bwrap are skipped with the reason where it
cannot run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sago_tui.core.errors import ExitCode
from sago_tui.core.sandbox import probe_bwrap
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    run_in_process,
    task,
    trace_records,
    write_project,
)

PROBE = """\
import json, os, socket, sys

outside, port = sys.argv[1], int(sys.argv[2])
results = {}


def attempt(name, action):
    try:
        action()
        results[name] = "ok"
    except Exception as exc:
        results[name] = type(exc).__name__


def read_canary(path):
    with open(path) as handle:
        if "CANARY" not in handle.read():
            raise LookupError("no canary")


attempt("ssh", lambda: read_canary(os.path.join(os.environ["HOME"], ".ssh", "id_canary")))
attempt("dotenv", lambda: read_canary(".env"))
attempt("write_outside", lambda: open(outside, "w").write("escaped"))
attempt("network", lambda: socket.create_connection(("127.0.0.1", port), timeout=3).close())
with open("probe.json", "w") as handle:
    json.dump(results, handle)
"""

BWRAP = probe_bwrap()
needs_bwrap = pytest.mark.skipif(
    BWRAP.path is None, reason=f"bubblewrap cannot run here: {BWRAP.reason}"
)


@pytest.fixture
def fake_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home directory outside /tmp (the sandbox's /tmp is private, which would hide a
    home under it for the wrong reason), with a canary key in ``.ssh``."""
    base = next((p for p in (Path("/var/tmp"), Path.home()) if os.access(p, os.W_OK)), None)
    if base is None or base.is_relative_to("/tmp"):
        pytest.skip("no writable directory outside /tmp for a fake home")
    home = Path(tempfile.mkdtemp(prefix="sago-home-", dir=base))
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_canary").write_text("CANARY private key\n")
    monkeypatch.setenv("HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP port listening on the host's loopback."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def probe(
    tmp_path: Path, server: FakeLLMServer, home: Path, port: int, mode: str
) -> tuple[dict[str, str], Path]:
    """Run the probe task with ``[run] sandbox = mode``; its results and the outside file."""
    outside = home / "written-by-verify.txt"
    verify = f"{sys.executable} probe.py {outside} {port}"
    project = write_project(tmp_path / mode, [task("1.1", ["probe.py"], verify=verify)])
    (project.root / ".env").write_text("PROBE_VALUE=CANARY-in-dotenv\n")
    server.responder = TaskResponder({"1.1": Reply(content=file_answer({"probe.py": PROBE}))})
    run = run_in_process(project, server, sandbox=mode)
    assert run.result.exit_code == ExitCode.OK, run.result.reason
    options = trace_records(project)[0]["data"]["options"]
    expected = "bubblewrap (no network)" if mode == "on" else "off (sandbox = off)"
    assert options["sandbox"] == expected  # the trace says how verify ran
    return json.loads((project.root / "probe.json").read_text()), outside


@needs_bwrap
def test_every_probe_fails_inside_the_sandbox(
    tmp_path: Path, llm_server: FakeLLMServer, fake_home: Path, listener: int
) -> None:
    results, outside = probe(tmp_path, llm_server, fake_home, listener, "on")
    assert results["ssh"] != "ok", results
    assert results["dotenv"] != "ok", results
    assert results["write_outside"] != "ok" and not outside.exists(), results
    assert results["network"] != "ok", results
    # The canary and the .env are untouched on the host.
    assert (fake_home / ".ssh" / "id_canary").read_text() == "CANARY private key\n"
    assert (tmp_path / "on" / ".env").read_text() == "PROBE_VALUE=CANARY-in-dotenv\n"


def test_every_probe_succeeds_with_the_sandbox_off(
    tmp_path: Path, llm_server: FakeLLMServer, fake_home: Path, listener: int
) -> None:
    results, outside = probe(tmp_path, llm_server, fake_home, listener, "off")
    assert results == {"ssh": "ok", "dotenv": "ok", "write_outside": "ok", "network": "ok"}
    assert outside.read_text() == "escaped"


@needs_bwrap
def test_network_can_be_allowed(
    tmp_path: Path, llm_server: FakeLLMServer, fake_home: Path, listener: int
) -> None:
    verify = f"{sys.executable} probe.py {fake_home / 'x'} {listener}"
    project = write_project(tmp_path / "p", [task("1.1", ["probe.py"], verify=verify)])
    llm_server.responder = TaskResponder({"1.1": Reply(content=file_answer({"probe.py": PROBE}))})
    run = run_in_process(project, llm_server, sandbox="on", sandbox_network=True)
    assert run.result.exit_code == ExitCode.OK, run.result.reason
    results = json.loads((project.root / "probe.json").read_text())
    assert results["network"] == "ok" and results["ssh"] != "ok", results
    assert trace_records(project)[0]["data"]["options"]["sandbox"] == (
        "bubblewrap (network allowed)"
    )
