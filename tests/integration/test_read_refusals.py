"""Files no prompt may carry (DESIGN.md §14): refused on the task prompt and the fix prompt.

A plan declares ``.env.local`` and a file that is a symlink to a secret outside the
project; the task fails its verify once so that a fix prompt is built as well. The
loopback server's received requests must hold neither secret, and the trace must
report each refusal like a refused write.
"""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.errors import ExitCode
from tests.llm_server import FakeLLMServer, Reply
from tests.reliability.support import (
    TaskResponder,
    file_answer,
    run_in_process,
    task,
    trace_records,
    write_project,
)

DOTENV_LOCAL = "LOCAL_ONLY_VALUE=dotenv-local-content-4242"
OUTSIDE = "outside-the-project-content-4343"


def test_env_local_and_symlinked_files_never_reach_the_llm(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    files = ["a.py", ".env.local", "notes.txt", "fixed"]
    verify = "test -f fixed"  # fails on the first answer, passes after the fix
    project = write_project(tmp_path / "p", [task("1.1", files, verify=verify)])
    (project.root / ".env.local").write_text(DOTENV_LOCAL + "\n")
    (tmp_path / "secret.txt").write_text(OUTSIDE + "\n")
    (project.root / "notes.txt").symlink_to(tmp_path / "secret.txt")
    llm_server.responder = TaskResponder(
        {
            "1.1": [
                Reply(content=file_answer({"a.py": "A = 1\n"})),
                Reply(content=file_answer({"a.py": "A = 2\n", "fixed": ""})),
            ]
        }
    )
    run = run_in_process(project, llm_server, auto_retry=True, max_retries=1)

    assert run.result.exit_code == ExitCode.OK, run.result.reason
    assert llm_server.request_count == 2  # the task call and one fix call
    for request in llm_server.requests:
        assert "dotenv-local-content" not in request.prompt_text
        assert OUTSIDE not in request.prompt_text
    refusals = [
        (r["data"]["path"], r["data"]["reason"])
        for r in trace_records(project)
        if r["event_type"] == "file_refused" and r["data"]["reason"].startswith("not read:")
    ]
    assert ("notes.txt", "not read: a symlink leads outside the project") in refusals
    assert (".env.local", "not read: .env files hold secrets") in refusals
    # Both prompts refused both files: the task prompt and the fix prompt.
    assert len(refusals) == 4, refusals
    assert (project.root / ".env.local").read_text() == DOTENV_LOCAL + "\n"
