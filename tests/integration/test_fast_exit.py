"""A headless run that loaded litellm leaves with ``os._exit`` once everything is flushed.

The program is started the way the console script starts it (``main()`` with no
argv), with an ``atexit`` marker: the marker missing proves the interpreter's
teardown was skipped, and every report is still complete on disk.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.integration.conftest import PY, T, clean_env, fast_env, make_project, state_records
from tests.llm_server import FakeLLMServer

PROGRAM = """
import atexit, pathlib, sys
marker = pathlib.Path(sys.argv.pop())  # the last argument is the marker, not for sago-tui
atexit.register(lambda: marker.write_text("teardown ran"))
from sago_tui.cli import main
raise SystemExit(main())
"""


def _run(
    tmp_path: Path, args: list[str], env: dict[str, str], marker: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-c", PROGRAM, *args, str(marker)],
        cwd=tmp_path,
        env=clean_env(tmp_path, env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_live_headless_run_exits_without_teardown_after_flushing_every_report(
    tmp_path: Path, llm_server: FakeLLMServer, scripted
) -> None:
    tasks = [T("1.1", ["a.py"], verify="test -f a.py"), T("1.2", ["b.py"], verify="false")]
    root = tmp_path / "p"
    make_project(root, tasks)
    scripted(tasks)
    junit, report, summary = tmp_path / "junit.xml", tmp_path / "run.json", tmp_path / "summary.md"
    env = fast_env(llm_server, GITHUB_STEP_SUMMARY=str(summary))
    marker = tmp_path / "atexit-ran"
    program_args = ["--headless", str(root), "--junit", str(junit), "--json", str(report)]

    done = _run(tmp_path, program_args, env, marker)

    assert done.returncode == 1, done.stdout + done.stderr  # 1.2's verify fails
    assert not marker.exists()  # os._exit: no interpreter teardown
    assert "1 passed, 1 failed" in done.stdout  # the summary line made it out
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert json.loads(report.read_text())["totals"]["failed"] == 1
    assert "1.2" in summary.read_text()
    assert state_records(root)["1.1"].status.value == "passed"
    trace = (root / ".planning" / "trace.jsonl").read_text().splitlines()
    assert json.loads(trace[-1])["event_type"] == "workflow_end"


def test_a_command_without_litellm_exits_normally(tmp_path: Path) -> None:
    root = tmp_path / "p"
    make_project(root, [T("1.1", ["a.py"])])
    marker = tmp_path / "atexit-ran"
    done = _run(tmp_path, ["status", "--path", str(root)], {}, marker)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "teardown ran"
