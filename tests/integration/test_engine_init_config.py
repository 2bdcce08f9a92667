"""`init` and configuration reaching the server (issue 2)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import (
    T,
    assert_no_secret,
    fast_env,
    make_project,
    run_cli,
)
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply, file_answer

TASKS = [T("1.1", ["a.py"], verify="test -f a.py")]


def test_init_writes_the_spec_but_no_plan_and_never_overwrites(tmp_path: Path) -> None:
    proc = run_cli(["init", "weather-app"], tmp_path)

    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "weather-app"
    for name in ("PROJECT.md", "REQUIREMENTS.md", "IMPORTANT.md", "STATE.md"):
        assert (root / name).is_file(), name
    assert (root / ".planning").is_dir()
    assert not (root / "PLAN.md").exists()
    (root / "PROJECT.md").write_text("# mine\n")

    again = run_cli(["init", "weather-app"], tmp_path)

    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "--overwrite" in again.stderr
    assert (root / "PROJECT.md").read_text() == "# mine\n"

    forced = run_cli(["init", "weather-app", "--overwrite"], tmp_path)
    assert forced.returncode == 0
    assert (root / "PROJECT.md").read_text() != "# mine\n"
    # status on a fresh project: nothing planned yet, never a crash.
    status = run_cli(["status", "-p", str(root)], tmp_path)
    assert status.returncode == 0 and "No PLAN.md yet" in status.stdout


def test_init_prompt_asks_the_llm_for_the_spec(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    project_md = "# Weather\n\nA weather dashboard with FastAPI.\n"
    requirements = "# Requirements\n\n* [ ] **REQ-1:** Show the current weather.\n"
    llm = scripted(
        script={"init": file_answer({"PROJECT.md": project_md, "REQUIREMENTS.md": requirements})}
    )

    result = cli(
        "init", "weather", "--prompt", "A weather dashboard with FastAPI", env=fast_env(llm_server)
    )

    assert result.code == 0, result.text
    assert llm.count("init") == 1
    assert "A weather dashboard with FastAPI" in llm.calls["init"][0].prompt_text
    root = tmp_path / "weather"
    assert (root / "PROJECT.md").read_text() == project_md
    assert (root / "REQUIREMENTS.md").read_text() == requirements
    assert (root / "STATE.md").is_file() and not (root / "PLAN.md").exists()
    assert_no_secret(root, result.out, result.err)


def test_init_prompt_with_a_provider_error_keeps_the_templates_and_exits_3(
    tmp_path: Path, llm_server: FakeLLMServer, cli
) -> None:
    llm_server.responder = lambda _r: Reply(status=401, error_message="bad key")

    result = cli("init", "weather", "--prompt", "A weather app", env=fast_env(llm_server))

    assert result.code == 3, result.text
    root = tmp_path / "weather"
    assert "Requirements" in (root / "REQUIREMENTS.md").read_text()  # the template is there
    assert (root / "STATE.md").is_file() and not (root / "PLAN.md").exists()
    assert llm_server.request_count == 1


def test_dotenv_settings_reach_the_server(tmp_path: Path, llm_server: FakeLLMServer, scripted, cli):
    root = tmp_path / "p"
    dotenv = {
        "LLM_PROVIDER": "openai",
        "LLM_MODEL": "gpt-4o-mini",
        "LLM_API_KEY": TEST_API_KEY,
        "LLM_API_BASE": llm_server.base_url,
        "LLM_RETRIES": "0",
    }
    make_project(root, TASKS, dotenv=dotenv)
    scripted(TASKS)

    result = cli("execute", "-p", str(root), env={})  # nothing in the process environment

    assert result.code == 0, result.text
    (request,) = llm_server.requests
    assert request.model == "gpt-4o-mini"
    assert request.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert_no_secret(root, result.out, result.err)

    # The process environment wins over .env.
    llm_server.clear()
    result = cli("execute", "-p", str(root), "--no-cache", env={"LLM_MODEL": "gpt-4o"})
    assert result.code == 0
    assert llm_server.requests[0].model == "gpt-4o"


def test_sago_toml_api_base_reaches_the_server(
    tmp_path: Path, llm_server: FakeLLMServer, scripted, cli
) -> None:
    root = tmp_path / "p"
    toml = f'[llm]\napi_base = "{llm_server.base_url}"\nmodel = "gpt-4o-mini"\n'
    make_project(root, TASKS, toml=toml)
    scripted(TASKS)

    result = cli("execute", "-p", str(root), env={"LLM_API_KEY": TEST_API_KEY, "LLM_RETRIES": "0"})

    assert result.code == 0, result.text
    (request,) = llm_server.requests
    assert request.model == "gpt-4o-mini"
    assert request.headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_invalid_values_exit_2_naming_the_key_and_the_source(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    root = tmp_path / "p"
    make_project(root, TASKS, dotenv={"LLM_TEMPERATURE": "hot", "LLM_API_KEY": TEST_API_KEY})

    proc = run_cli(["execute", "-p", str(root)], tmp_path, fast_env(llm_server))

    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "LLM_TEMPERATURE" in proc.stderr and ".env" in proc.stderr
    assert TEST_API_KEY not in proc.stdout + proc.stderr

    toml_root = tmp_path / "q"
    make_project(toml_root, TASKS, toml='[llm]\napi_base = "not a url"\n')
    proc = run_cli(["--headless", str(toml_root)], tmp_path, fast_env(llm_server))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "api_base" in proc.stderr and "sago.toml" in proc.stderr
    assert llm_server.request_count == 0
