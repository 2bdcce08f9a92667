"""The live provider path, against the loopback OpenAI server: outage, record, replay.

These runs import litellm in the subprocess (a few seconds each), so there are two.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.headless.support import T, headless, make_project, no_traceback, plan_text
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply, env_for

CALC = 'python -c "import src.calc as c; assert c.add(2, 3) == 5"'
TWICE = 'python -c "import src.twice as t; assert t.twice(4) == 8"'
PHASES = [
    [T("1.1", ["src/calc.py"], verify=CALC)],
    [T("2.1", ["src/twice.py"], verify=TWICE, depends_on=["1.1"])],
]
ANSWERS = [
    {"src/calc.py": "def add(a, b):\n    return a + b\n"},
    {"src/twice.py": "from src.calc import add\n\n\ndef twice(x):\n    return add(x, x)\n"},
]


def test_provider_outage_is_exit_3_with_the_message_and_reports(
    tmp_path: Path, env: dict[str, str], llm_server: FakeLLMServer
) -> None:
    root = make_project(tmp_path / "proj", PHASES)
    message = f"Incorrect API key provided: {TEST_API_KEY}. You can find your key at example."
    llm_server.enqueue(
        Reply(status=503, error_message="The server is overloaded", headers={"Retry-After": "0"}),
        Reply(status=401, error_message=message),
    )
    junit, out = tmp_path / "j.xml", tmp_path / "run.json"
    live = {**env, **env_for(llm_server, LLM_RETRIES="3")}
    proc = headless(root, live, "--junit", junit, "--json", out)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    no_traceback(proc)
    assert "warning: LLM request failed; retrying" in proc.stdout  # the 503, retried once
    assert "Incorrect API key provided" in proc.stdout
    assert "sago-tui: error: LLM provider error (auth)" in proc.stderr
    document = json.loads(out.read_text())
    assert document["exit_status"] == "provider_error"
    assert "Incorrect API key provided" in document["reason"]
    assert [t["status"] for t in document["tasks"]] == ["failed", "skipped"]
    for text in (proc.stdout, proc.stderr, out.read_text(), junit.read_text()):
        assert TEST_API_KEY not in text
    assert llm_server.request_count == 2  # an auth failure is not retried


def test_a_recorded_run_replays_with_the_server_stopped(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Record plan + tasks live, then replay in a fresh copy with no server: same results."""
    pristine = make_project(tmp_path / "pristine", None)
    cassette = tmp_path / "run.cassette.json"
    with FakeLLMServer() as server:
        server.enqueue(
            Reply(content=plan_text(PHASES)),
            *(Reply(content=_files(files)) for files in ANSWERS),
        )
        live_root = tmp_path / "live"
        shutil.copytree(pristine, live_root)
        live_env = {**env, **env_for(server)}
        live = headless(live_root, live_env, "--record", cassette, "--json", tmp_path / "live.json")
        assert live.returncode == 0, live.stdout + live.stderr
        assert server.request_count == 3
    assert TEST_API_KEY not in cassette.read_text()

    replay_root = tmp_path / "replay"
    shutil.copytree(pristine, replay_root)
    # The server is stopped and the environment holds no key and no API base.
    replay = headless(replay_root, env, "--replay", cassette, "--json", tmp_path / "replay.json")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    recorded = json.loads((tmp_path / "live.json").read_text())
    replayed = json.loads((tmp_path / "replay.json").read_text())
    assert _results(replayed) == _results(recorded)
    assert [t["status"] for t in replayed["tasks"]] == ["passed", "passed"]
    assert (replay_root / "PLAN.md").read_text() == (live_root / "PLAN.md").read_text()
    for files in ANSWERS:
        for name in files:
            assert (replay_root / name).read_text() == (live_root / name).read_text()


def _files(files: dict[str, str]) -> str:
    from tests.llm_server import file_answer

    return file_answer(files)


def _results(document: dict) -> list[tuple[str, str, list[str], bool | None]]:
    return [
        (t["id"], t["status"], t["files_written"], t["verify"]["passed"]) for t in document["tasks"]
    ]
