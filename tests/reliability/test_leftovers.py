"""Temp files of writes cut short by kill -9 are removed by the next run (only ours)."""

from __future__ import annotations

from pathlib import Path

from tests.llm_server import FakeLLMServer
from tests.reliability.support import files_answers, run_in_process, task, write_project


def test_the_next_run_removes_stale_temp_files(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    project = write_project(tmp_path / "p", [task("1.1", ["src/a.py"])])
    stale = [
        project.root / ".STATE.md.q1w2e3r4.tmp",
        project.root / "src" / ".a.py.zz_99xyz.tmp",
        project.planning_dir / "cache" / ".1.1.json.abcdefgh.tmp",
    ]
    kept = [project.root / "notes.tmp", project.root / "src" / ".hidden.tmp"]
    for path in stale + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half a file")
    llm_server.responder = files_answers({"1.1": {"src/a.py": "A = 1\n"}})

    run = run_in_process(project, llm_server)

    assert run.result.exit_code == 0
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in kept)
