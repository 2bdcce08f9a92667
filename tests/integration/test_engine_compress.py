"""`--compress` (issue 3): the context shrinks, the task itself reaches the server whole."""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.context import render_task
from sago_tui.core.plan_parser import load_plan
from tests.integration.conftest import T, check_trace, events, fast_env, make_project
from tests.llm_server import FakeLLMServer

ACTION = "Write src/app.py with a function `main()` that prints 'hello'. " * 3


def test_compress_shrinks_the_context_but_keeps_the_task(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    task = T("1.1", ["src/app.py"], verify="test -f src/app.py", action=ACTION)
    root = tmp_path / "p"
    make_project(root, [task], files={"docs/notes.md": "x\n"})
    (root / "PROJECT.md").write_text("# Big spec\n\n" + "The widget must frobnicate. " * 400)
    llm = scripted([task])
    env = fast_env(llm_server, MAX_CONTEXT_TOKENS="400")

    result = cli("run", "-p", str(root), "--compress", env=env)

    assert result.code == 0, result.text
    (compression,) = events(check_trace(root, exit_code=0), "compression")
    data = compression["data"]
    assert data["task_id"] == "1.1" and data["strategy"] == "sliding_window"
    assert data["original_tokens"] > 2000 > data["compressed_tokens"] > 0
    assert data["compressed_tokens"] <= 400
    (request,) = llm.calls["1.1"]
    plan_task = load_plan(root / "PLAN.md")[0].tasks[0]
    assert render_task(plan_task) in request.prompt_text  # the task section, intact
    assert request.prompt_text.count("frobnicate") < 400

    # Without --compress the whole spec goes out and no compression event is written.
    llm.calls.clear()
    result = cli("run", "-p", str(root), "--no-cache", env=env)
    assert result.code == 0
    assert llm.calls["1.1"][0].prompt_text.count("frobnicate") == 400
    assert not events(check_trace(root, exit_code=0), "compression")
