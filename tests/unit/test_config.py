"""Configuration: precedence, sources, errors, .env parsing and saving sago.toml."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
from pathlib import Path

import pytest

from sago_tui.config import describe_keys, load_settings, save_project_settings, user_config_path
from sago_tui.core.errors import ConfigError, ExitCode
from sago_tui.core.settings import LLMSettings, RunOptions, Secret, Settings
from sago_tui.dotenv import parse_dotenv


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    project.mkdir()
    return project


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    return tmp_path / "user" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(
    root: Path | None,
    user_file: Path,
    *,
    flags: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    return load_settings(root, flags=flags, environ=env or {}, user_config=user_file)


def config_error(root: Path | None, user_file: Path, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as info:
        load(root, user_file, **kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code == ExitCode.BAD_INPUT
    message = str(info.value)
    assert "\n" not in message
    return message


# --- precedence -------------------------------------------------------------------------

LAYERS = ("flag", "env", "dotenv", "toml", "user")
EXPECTED_SOURCE = {
    "flag": "flag --model",
    "env": "environment LLM_MODEL",
    "dotenv": ".env:2 LLM_MODEL",
    "toml": "sago.toml [llm] model",
    "user": "user config [llm] model",
}


def _setup_layers(root: Path, user_file: Path, present: set[str]) -> dict[str, object]:
    if "dotenv" in present:
        write(root / ".env", "# models\nLLM_MODEL=m-dotenv\n")
    if "toml" in present:
        write(root / "sago.toml", '[llm]\nmodel = "m-toml"\n')
    if "user" in present:
        write(user_file, '[llm]\nmodel = "m-user"\n')
    return {
        "flags": {"llm.model": "m-flag" if "flag" in present else None},
        "env": {"LLM_MODEL": "m-env"} if "env" in present else {},
    }


@pytest.mark.parametrize(
    "present",
    [set(c) for n in range(len(LAYERS) + 1) for c in itertools.combinations(LAYERS, n)],
    ids=lambda p: "+".join(sorted(p)) or "none",
)
def test_precedence_matrix(root: Path, user_file: Path, present: set[str]) -> None:
    kwargs = _setup_layers(root, user_file, present)
    settings = load(root, user_file, **kwargs)  # type: ignore[arg-type]
    winner = next((layer for layer in LAYERS if layer in present), None)
    if winner is None:
        assert settings.llm.model == LLMSettings().model
        assert settings.sources["llm.model"] == "default"
    else:
        assert settings.llm.model == f"m-{winner}"
        assert settings.sources["llm.model"] == EXPECTED_SOURCE[winner]


def test_precedence_for_typed_key_and_top_level_key(root: Path, user_file: Path) -> None:
    write(user_file, 'log_level = "error"\n[run]\nparallel = 5\n')
    write(root / "sago.toml", "[run]\nparallel = 3\n")
    settings = load(root, user_file)
    assert settings.run.parallel == 3
    assert settings.sources["run.parallel"] == "sago.toml [run] parallel"
    assert (settings.log_level, settings.sources["log_level"]) == ("ERROR", "user config log_level")
    settings = load(root, user_file, flags={"run.parallel": 2}, env={"MAX_CONCURRENT_TASKS": "7"})
    assert (settings.run.parallel, settings.sources["run.parallel"]) == (2, "flag --parallel")


def test_defaults_and_sources_cover_every_key(root: Path, user_file: Path) -> None:
    settings = load(root, user_file)
    assert settings.llm == LLMSettings()
    assert settings.run == RunOptions()
    assert set(settings.sources) == {info.key for info in describe_keys()}
    assert set(settings.sources.values()) == {"default"}
    assert settings.warnings == ()


def test_key_table_matches_settings_dataclasses() -> None:
    fields = {f"llm.{f.name}" for f in dataclasses.fields(LLMSettings)}
    fields |= {f"run.{f.name}" for f in dataclasses.fields(RunOptions)} | {"log_level"}
    keys = describe_keys()
    assert {info.key for info in keys} == fields
    for info in keys:
        assert info.help and info.expected
        assert info.toml_key is not None or info.flag is not None, info.key
    assert next(i for i in keys if i.key == "run.use_cache").toml_key == "cache"


def test_user_config_path_is_platform_config_dir() -> None:
    path = user_config_path()
    assert path.name == "config.toml" and path.parent.name == "sago-tui"


def test_no_project_reads_environment_and_user_config_only(user_file: Path) -> None:
    write(user_file, '[llm]\nprovider = "anthropic"\n')
    settings = load(None, user_file, env={"LLM_MODEL": "claude-x"})
    assert (settings.llm.provider, settings.llm.model) == ("anthropic", "claude-x")


def test_empty_environment_value_means_unset(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", '[llm]\nmodel = "m-toml"\n')
    settings = load(root, user_file, env={"LLM_MODEL": ""})
    assert settings.llm.model == "m-toml"


def test_unknown_flag_key_is_a_programming_error(root: Path, user_file: Path) -> None:
    with pytest.raises(ValueError, match=r"run\.paralel"):
        load(root, user_file, flags={"run.paralel": 2})


# --- errors -------------------------------------------------------------------------------


def test_toml_value_error_names_file_line_and_key(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", '# settings\n\n[llm]\nmodel = "x"\n\n[run]\nparallel = "four"\n')
    message = config_error(root, user_file)
    assert message == 'sago.toml:7: [run] parallel: expected an integer ≥ 1, got "four"'


def test_toml_error_for_dotted_and_top_level_keys(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", 'log_level = "loud"\n')
    message = config_error(root, user_file)
    expected = "one of DEBUG, INFO, WARNING, ERROR"
    assert message == f'sago.toml:1: log_level: expected {expected}, got "loud"'
    write(root / "sago.toml", "# x\nrun.max_retries = -1\n")
    assert config_error(root, user_file) == (
        "sago.toml:2: [run] max_retries: expected an integer ≥ 0, got -1"
    )


def test_dotenv_value_error(root: Path, user_file: Path) -> None:
    write(root / ".env", "LLM_PROVIDER=openai\n\nLLM_TEMPERATURE=hot\n")
    assert config_error(root, user_file) == (
        '.env:3: LLM_TEMPERATURE: expected a number between 0 and 2, got "hot"'
    )


def test_environment_value_error(root: Path, user_file: Path) -> None:
    message = config_error(root, user_file, env={"MAX_COST": "-1"})
    assert message == 'environment: MAX_COST: expected a non-negative number, got "-1"'


def test_flag_value_error(root: Path, user_file: Path) -> None:
    message = config_error(root, user_file, flags={"run.parallel": 0})
    assert message == "--parallel: expected an integer ≥ 1, got 0"


def test_user_config_error_names_its_path(root: Path, user_file: Path) -> None:
    write(user_file, "[llm]\ntimeout = 0\n")
    assert config_error(root, user_file) == (
        f"{user_file}:2: [llm] timeout: expected a positive number of seconds, got 0"
    )


def test_shadowed_invalid_value_is_still_an_error(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", "[run]\nverify_timeout = -5\n")
    message = config_error(root, user_file, env={"VERIFY_TIMEOUT": "10"})
    assert message.startswith("sago.toml:2: [run] verify_timeout:")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ('[run]\nparallel = 2\nmodel = = "x"\n', "at line 3, column 9"),
        ('[run]\nparallel = "two\n', "at line 2, column 16"),
    ],
)
def test_malformed_toml(root: Path, user_file: Path, text: str, position: str) -> None:
    write(root / "sago.toml", text)
    message = config_error(root, user_file)
    assert re.fullmatch(rf"sago\.toml: invalid TOML {position}: \S.*", message), message


@pytest.mark.parametrize(
    "bad_line",
    ["JUST_A_NAME", 'KEY="unterminated', "KEY='open", 'KEY="x" trailing', "1KEY=x", "A B=c"],
)
def test_malformed_dotenv_line(root: Path, user_file: Path, bad_line: str) -> None:
    write(root / ".env", f"# c\nLLM_MODEL=x\n\n{bad_line}\nLLM_PROVIDER=y\n")
    assert config_error(root, user_file) == ".env:4: cannot parse line (expected KEY=VALUE)"


def test_secret_values_are_never_echoed_in_errors(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", "[llm]\napi_key = 12345\napi_key_in_file = true\n")
    message = config_error(root, user_file)
    assert message == "sago.toml:2: [llm] api_key: expected a non-empty string, got <hidden>"


# --- booleans, parallel, provider keys -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Yes", True), ("on", True),
        (" On ", True), ("false", False), ("False", False), ("0", False), ("no", False),
        ("NO", False), ("off", False),
    ],
)  # fmt: skip
def test_bool_parsing(root: Path, user_file: Path, raw: str, expected: bool) -> None:
    settings = load(root, user_file, env={"ENABLE_GIT_COMMITS": raw})
    assert settings.run.git_commit is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "yess", "t"])
def test_bool_parsing_rejects(root: Path, user_file: Path, raw: str) -> None:
    message = config_error(root, user_file, env={"LLM_STREAM": raw})
    assert message == f'environment: LLM_STREAM: expected true or false, got "{raw}"'


def test_toml_booleans_and_cache_key(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", "[run]\ncache = false\nauto_retry = true\n")
    settings = load(root, user_file)
    assert settings.run.use_cache is False and settings.run.auto_retry is True
    assert settings.sources["run.use_cache"] == "sago.toml [run] cache"
    settings = load(root, user_file, flags={"run.use_cache": True})
    assert settings.run.use_cache is True
    assert settings.sources["run.use_cache"] == "flag --no-cache"


@pytest.mark.parametrize(
    ("dotenv", "env", "toml", "flags", "expected", "source"),
    [
        ("ENABLE_PARALLEL_EXECUTION=true", {}, "", {}, 4, ".env:1 ENABLE_PARALLEL_EXECUTION"),
        ("ENABLE_PARALLEL_EXECUTION=true\nMAX_CONCURRENT_TASKS=6", {}, "", {}, 6,
         ".env:2 MAX_CONCURRENT_TASKS"),
        ("MAX_CONCURRENT_TASKS=6", {"ENABLE_PARALLEL_EXECUTION": "yes"}, "", {}, 6,
         ".env:1 MAX_CONCURRENT_TASKS"),
        ("ENABLE_PARALLEL_EXECUTION=false", {}, "", {}, 1, ".env:1 ENABLE_PARALLEL_EXECUTION"),
        ("ENABLE_PARALLEL_EXECUTION=false", {}, "parallel = 3", {}, 3, "sago.toml [run] parallel"),
        ("ENABLE_PARALLEL_EXECUTION=false\nMAX_CONCURRENT_TASKS=5", {}, "", {}, 5,
         ".env:2 MAX_CONCURRENT_TASKS"),
        ("ENABLE_PARALLEL_EXECUTION=true", {}, "parallel = 2", {}, 4,
         ".env:1 ENABLE_PARALLEL_EXECUTION"),
        ("ENABLE_PARALLEL_EXECUTION=true", {}, "", {"run.parallel": 2}, 2, "flag --parallel"),
        ("ENABLE_PARALLEL_EXECUTION=true", {"ENABLE_PARALLEL_EXECUTION": "off"}, "parallel = 3",
         {}, 3, "sago.toml [run] parallel"),
    ],
)  # fmt: skip
def test_enable_parallel_execution(
    root: Path,
    user_file: Path,
    dotenv: str,
    env: dict[str, str],
    toml: str,
    flags: dict[str, object],
    expected: int,
    source: str,
) -> None:
    write(root / ".env", dotenv + "\n")
    write(root / "sago.toml", f"[run]\n{toml}\n")
    settings = load(root, user_file, env=env, flags=flags)
    assert (settings.run.parallel, settings.sources["run.parallel"]) == (expected, source)


def test_enable_parallel_execution_must_be_boolean(root: Path, user_file: Path) -> None:
    write(root / ".env", "LLM_MODEL=x\nENABLE_PARALLEL_EXECUTION=sometimes\n")
    assert config_error(root, user_file) == (
        '.env:2: ENABLE_PARALLEL_EXECUTION: expected true or false, got "sometimes"'
    )


def test_provider_key_fallback_from_environment(root: Path, user_file: Path) -> None:
    env = {"LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": "sk-ant-1", "OPENAI_API_KEY": "o"}
    settings = load(root, user_file, env=env)
    assert settings.llm.api_key == Secret("sk-ant-1")
    assert settings.sources["llm.api_key"] == "environment ANTHROPIC_API_KEY"


def test_provider_key_fallback_from_dotenv(root: Path, user_file: Path) -> None:
    write(root / ".env", "LLM_MODEL=gpt-4o-mini\nOPENAI_API_KEY='sk-open'\n")
    settings = load(root, user_file)
    assert settings.llm.api_key == Secret("sk-open")
    assert settings.sources["llm.api_key"] == ".env:2 OPENAI_API_KEY"


def test_provider_key_follows_model_prefix(root: Path, user_file: Path) -> None:
    env = {"LLM_MODEL": "gemini/gemini-2.0-flash", "GEMINI_API_KEY": "g", "OPENAI_API_KEY": "o"}
    settings = load(root, user_file, env=env)
    assert settings.llm.api_key == Secret("g")


def test_llm_api_key_anywhere_beats_provider_variable(root: Path, user_file: Path) -> None:
    write(root / ".env", "LLM_API_KEY=sk-project\n")
    settings = load(root, user_file, env={"OPENAI_API_KEY": "sk-global"})
    assert settings.llm.api_key == Secret("sk-project")
    assert settings.sources["llm.api_key"] == ".env:1 LLM_API_KEY"


def test_no_key_anywhere(root: Path, user_file: Path) -> None:
    settings = load(root, user_file, env={"ANTHROPIC_API_KEY": "not-for-openai"})
    assert settings.llm.api_key is None
    assert settings.sources["llm.api_key"] == "default"


def test_api_key_in_sago_toml_is_refused(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", '[llm]\nmodel = "gpt-4o"\napi_key = "sk-in-toml"\n')
    message = config_error(root, user_file)
    assert message.startswith(
        "sago.toml:3: [llm] api_key: API keys belong in .env or the environment"
    )
    assert "api_key_in_file = true" in message and "sk-in-toml" not in message


def test_api_key_in_sago_toml_allowed_on_purpose(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", '[llm]\napi_key = "sk-in-toml"\napi_key_in_file = true\n')
    settings = load(root, user_file)
    assert settings.llm.api_key == Secret("sk-in-toml")
    assert settings.warnings == ()


def test_api_key_in_the_user_config_only_warns(root: Path, user_file: Path) -> None:
    write(user_file, '[llm]\napi_key = "sk-user"\n')
    settings = load(root, user_file)
    assert settings.llm.api_key == Secret("sk-user")
    assert len(settings.warnings) == 1
    assert settings.warnings[0].startswith(
        f"{user_file}: [llm] api_key: API keys belong in .env or the environment"
    )


def test_api_base_fallbacks(root: Path, user_file: Path) -> None:
    settings = load(root, user_file, env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1/"})
    assert settings.llm.api_base == "http://127.0.0.1:9/v1"
    assert settings.sources["llm.api_base"] == "environment OPENAI_BASE_URL"
    env = {"OPENAI_API_BASE": "http://a/v1", "LLM_API_BASE": "http://b/v1"}
    assert load(root, user_file, env=env).llm.api_base == "http://b/v1"
    message = config_error(root, user_file, env={"LLM_API_BASE": "localhost:8000"})
    expected = 'expected an http:// or https:// URL, got "localhost:8000"'
    assert message == f"environment: LLM_API_BASE: {expected}"


def test_unknown_keys_warn(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", "verbose = true\n[run]\nparalel = 4\n[colors]\nx = 1\n")
    write(user_file, "[llm]\nmodle = 'x'\n")
    settings = load(root, user_file)
    assert settings.run.parallel == 1
    assert settings.warnings == (
        "sago.toml:1: unknown key verbose (ignored)",
        "sago.toml:3: unknown key [run] paralel (did you mean parallel?)",
        "sago.toml:4: unknown table [colors] (ignored)",
        f"{user_file}:2: unknown key [llm] modle (did you mean model?)",
    )


def test_unknown_keys_suggest_the_right_table(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", "parallel = 2\n\n[rnu]\nparallel = 3\n")
    settings = load(root, user_file)
    assert settings.warnings == (
        "sago.toml:1: unknown key parallel (did you mean [run] parallel?)",
        "sago.toml:3: unknown table [rnu] (did you mean [run]?)",
    )


@pytest.mark.parametrize("where", ["toml", "dotenv", "flag"])
def test_a_five_thousand_digit_integer_is_a_one_line_error(
    root: Path, user_file: Path, where: str
) -> None:
    huge = "9" * 5000
    if where == "toml":
        write(root / "sago.toml", f"[run]\nparallel = {huge}\n")
        expected = "sago.toml: invalid TOML: a number is too long"
    elif where == "dotenv":
        write(root / ".env", f"MAX_CONCURRENT_TASKS={huge}\n")
        expected = ".env:1: MAX_CONCURRENT_TASKS: expected an integer ≥ 1, got "
    else:
        expected = "--parallel: expected an integer ≥ 1, got "
    flags = {"run.parallel": huge} if where == "flag" else None
    with pytest.raises(ConfigError) as raised:
        load_settings(root, flags=flags, environ={}, user_config=user_file)
    message = raised.value.message
    assert message.startswith(expected)
    assert len(message) < 200 and "\n" not in message


def test_table_that_is_not_a_table(root: Path, user_file: Path) -> None:
    write(root / "sago.toml", 'run = "fast"\n')
    assert config_error(root, user_file) == 'sago.toml: run: expected a table, got "fast"'


# --- paths and secrets --------------------------------------------------------------------


def test_relative_replay_path_resolution(
    root: Path, user_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    write(root / "sago.toml", '[llm]\nreplay = "cassettes/run.json"\nrecord = "/abs/rec.json"\n')
    settings = load(root, user_file)
    assert settings.llm.replay == root / "cassettes" / "run.json"
    assert settings.llm.record == Path("/abs/rec.json")
    write(root / ".env", "LLM_REPLAY=from-dotenv.json\n")
    assert load(root, user_file).llm.replay == root / "from-dotenv.json"
    settings = load(root, user_file, env={"LLM_REPLAY": "env.json"})
    assert settings.llm.replay == elsewhere / "env.json"
    settings = load(root, user_file, flags={"llm.replay": Path("flag.json")})
    assert settings.llm.replay == elsewhere / "flag.json"


def test_relative_project_root_gives_absolute_paths(
    root: Path, user_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root.parent)
    write(root / "sago.toml", '[llm]\nreplay = "c.json"\n')
    settings = load(Path(root.name), user_file)
    assert settings.llm.replay == root / "c.json"


def test_repr_and_str_never_show_the_api_key(root: Path, user_file: Path) -> None:
    write(root / ".env", "LLM_API_KEY=sk-very-secret-123\n")
    settings = load(root, user_file)
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get() == "sk-very-secret-123"
    for text in (repr(settings), str(settings), repr(settings.llm), str(settings.sources)):
        assert "sk-very-secret-123" not in text
    assert "**********" in repr(settings)


def test_dotenv_is_not_injected_into_os_environ(root: Path, user_file: Path) -> None:
    write(root / ".env", "SAGO_TEST_ONLY_VARIABLE=1\nLLM_MODEL=m\n")
    load_settings(root, user_config=user_file)
    assert "SAGO_TEST_ONLY_VARIABLE" not in os.environ


# --- .env syntax --------------------------------------------------------------------------


def test_dotenv_syntax() -> None:
    text = "\n".join(
        [
            "# comment",
            "",
            "PLAIN=value",
            "export EXPORTED=yes",
            "SPACED = padded value  ",
            "INLINE=abc # a comment",
            "HASH=a#b",
            'DQ="line1\\nline2 \\"q\\" # kept"  # comment',
            "SQ='raw \\n # kept'",
            "EMPTY=",
            "PLAIN=again",
        ]
    )
    values = {key: entry.value for key, entry in parse_dotenv(text).items()}
    assert values == {
        "PLAIN": "again",
        "EXPORTED": "yes",
        "SPACED": "padded value",
        "INLINE": "abc",
        "HASH": "a#b",
        "DQ": 'line1\nline2 "q" # kept',
        "SQ": "raw \\n # kept",
        "EMPTY": "",
    }
    assert parse_dotenv(text)["PLAIN"].line == 11


# --- saving sago.toml ----------------------------------------------------------------------

ORIGINAL = """\
# Project settings, kept by hand.
log_level = "INFO"  # chatty enough

[llm]
# The model we agreed on.
model = "gpt-4o"
provider = "openai"

[run]
parallel = 2
cache = true  # keep it fast

[team]  # not ours
owner = "alice"
"""


def test_save_preserves_comments_and_unrelated_keys(root: Path, user_file: Path) -> None:
    path = write(root / "sago.toml", ORIGINAL)
    result = save_project_settings(
        root,
        {
            "run.parallel": 4,
            "llm.model": "claude-sonnet-4-5",
            "run.use_cache": None,
            "run.max_cost": 2.5,
            "log_level": "debug",
        },
    )
    assert result == path
    text = path.read_text(encoding="utf-8")
    for kept in (
        "# Project settings, kept by hand.",
        "# The model we agreed on.",
        'provider = "openai"',
        "[team]  # not ours",
        'owner = "alice"',
    ):
        assert kept in text
    assert "cache" not in text
    assert text.index("[llm]") < text.index("[run]") < text.index("[team]")
    settings = load(root, user_file)
    assert settings.llm.model == "claude-sonnet-4-5"
    assert settings.run.parallel == 4
    assert settings.run.max_cost == 2.5
    assert settings.run.use_cache is True  # removed: back to the default
    assert settings.log_level == "DEBUG"
    assert settings.warnings == ("sago.toml:13: unknown table [team] (ignored)",)


def test_save_creates_file_and_tables(root: Path, user_file: Path) -> None:
    path = save_project_settings(
        root, {"run.parallel": 3, "llm.replay": "cassettes/a.json", "log_level": "WARNING"}
    )
    assert path == root / "sago.toml"
    assert 'replay = "cassettes/a.json"' in path.read_text(encoding="utf-8")
    settings = load(root, user_file)
    assert settings.run.parallel == 3
    assert settings.llm.replay == root / "cassettes" / "a.json"
    assert settings.log_level == "WARNING"


def test_save_validates_before_writing(root: Path) -> None:
    path = write(root / "sago.toml", ORIGINAL)
    expected = r"^sago\.toml: \[run\] parallel: expected an integer ≥ 1, got 0$"
    with pytest.raises(ConfigError, match=expected):
        save_project_settings(root, {"llm.model": "changed", "run.parallel": 0})
    with pytest.raises(ConfigError, match=r"API keys belong in \.env"):
        save_project_settings(root, {"llm.api_key": "sk-nope"})
    with pytest.raises(ConfigError, match=r"run\.yes: not a setting"):
        save_project_settings(root, {"run.yes": True})
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_save_refuses_malformed_existing_file(root: Path) -> None:
    path = write(root / "sago.toml", "[run\nparallel = 2\n")
    with pytest.raises(ConfigError, match=r"^sago.toml: invalid TOML at line 1"):
        save_project_settings(root, {"run.parallel": 3})
    assert path.read_text(encoding="utf-8") == "[run\nparallel = 2\n"
