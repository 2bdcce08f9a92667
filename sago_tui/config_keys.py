"""The table of every setting: names, types, validation and help.

This is the single source for parsing (:mod:`sago_tui.config`), error messages, the
README's configuration table and the TUI settings screen.
"""

from __future__ import annotations

import dataclasses
import math

from sago_tui.config_types import (
    BOOL,
    PATH,
    PATH_LIST,
    SECONDS,
    SECRET,
    TEXT,
    URL,
    KeyInfo,
    ValueType,
    choice,
    integer,
    number,
)
from sago_tui.core.settings import LLMSettings, RunOptions, Settings

_DEFAULTS: dict[str, object] = {
    **{f"llm.{f.name}": f.default for f in dataclasses.fields(LLMSettings)},
    **{f"run.{f.name}": f.default for f in dataclasses.fields(RunOptions)},
    **{f.name: f.default for f in dataclasses.fields(Settings) if f.name == "log_level"},
}


def _k(
    key: str,
    vtype: ValueType,
    env: str,
    help: str,
    *,
    flag: str | None = None,
    fallback_env: tuple[str, ...] = (),
    toml_key: str | None = "",
) -> KeyInfo:
    """Build a row; ``toml_key=""`` means the key's last part, ``None`` flag-only."""
    table, _, name = key.rpartition(".")
    return KeyInfo(
        key=key,
        type=vtype,
        help=help,
        env=(env,) if env else (),
        fallback_env=fallback_env,
        table=table,
        toml_key=name if toml_key == "" else toml_key,
        flag=flag,
        default=_DEFAULTS[key],
    )


_NON_NEGATIVE = integer(0, "an integer ≥ 0")
_POSITIVE = integer(1, "a positive integer")

KEYS: tuple[KeyInfo, ...] = (
    _k("llm.provider", TEXT, "LLM_PROVIDER", "LiteLLM provider: openai, anthropic, gemini, …"),
    _k("llm.model", TEXT, "LLM_MODEL", "Model id; `provider/model` picks the provider too."),
    _k(
        "llm.api_key",
        SECRET,
        "LLM_API_KEY",
        "API key; if unset, the provider's own variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, "
        "…) from the environment or .env. Keep keys out of sago.toml.",
    ),
    _k(
        "llm.api_base",
        URL,
        "LLM_API_BASE",
        "Base URL of an OpenAI-compatible server.",
        fallback_env=("OPENAI_API_BASE", "OPENAI_BASE_URL"),
    ),
    _k(
        "llm.temperature",
        number(0, 2, "a number between 0 and 2"),
        "LLM_TEMPERATURE",
        "Sampling temperature; 0 is the most repeatable.",
    ),
    _k("llm.max_tokens", _POSITIVE, "LLM_MAX_TOKENS", "Largest answer, in tokens."),
    _k(
        "llm.timeout",
        SECONDS,
        "LLM_TIMEOUT",
        "Seconds before a non-streamed LLM request is abandoned (and retried); also the "
        "default of the two streaming timeouts below.",
    ),
    _k(
        "llm.first_token_timeout",
        SECONDS,
        "LLM_FIRST_TOKEN_TIMEOUT",
        "Streamed answers: seconds to connect and receive the first chunk (default: timeout).",
    ),
    _k(
        "llm.idle_timeout",
        SECONDS,
        "LLM_IDLE_TIMEOUT",
        "Streamed answers: seconds without a new chunk before the answer is abandoned and "
        "retried (default: timeout). A long answer that keeps streaming is never cut.",
    ),
    _k(
        "llm.total_timeout",
        SECONDS,
        "LLM_TOTAL_TIMEOUT",
        "Optional cap on one streamed answer, in seconds; an answer cut by it is not "
        "retried and its text is kept under .planning/raw/.",
    ),
    _k(
        "llm.api_key_in_file",
        BOOL,
        "",
        "Allow [llm] api_key in sago.toml (refused otherwise: the file is usually shared).",
    ),
    _k("llm.retries", _NON_NEGATIVE, "LLM_RETRIES", "Retries of a failed LLM request."),
    _k("llm.stream", BOOL, "LLM_STREAM", "Stream answers as they are generated."),
    _k(
        "llm.edit_format",
        choice("auto", "whole", "diff"),
        "LLM_EDIT_FORMAT",
        "How existing files are changed: `auto` offers SEARCH/REPLACE edits for existing "
        "files and fixes, `whole` asks for whole files, `diff` asks for edits only.",
    ),
    _k("llm.replay", PATH, "LLM_REPLAY", "Answer LLM calls from this cassette.", flag="--replay"),
    _k(
        "llm.record",
        PATH,
        "LLM_RECORD",
        "Record every LLM call into this cassette.",
        flag="--record",
    ),
    _k(
        "run.parallel",
        integer(1, "an integer ≥ 1"),
        "MAX_CONCURRENT_TASKS",
        "Tasks of one wave run at once. ENABLE_PARALLEL_EXECUTION=true means "
        "MAX_CONCURRENT_TASKS or 4; false means 1 unless set elsewhere.",
        flag="--parallel",
    ),
    _k(
        "run.max_retries",
        _NON_NEGATIVE,
        "MAX_RETRIES",
        "Fix attempts per failed task.",
        flag="--max-retries",
    ),
    _k(
        "run.auto_retry",
        BOOL,
        "AUTO_RETRY",
        "Ask the LLM to fix a failed task.",
        flag="--auto-retry",
    ),
    _k(
        "run.git_commit",
        BOOL,
        "ENABLE_GIT_COMMITS",
        "Commit each passed task's files.",
        flag="--git-commit",
    ),
    _k("run.compress", BOOL, "ENABLE_COMPRESSION", "Compress task context.", flag="--compress"),
    _k(
        "run.compressor",
        choice("sliding_window", "llmlingua"),
        "COMPRESSOR",
        "Compression strategy.",
    ),
    _k(
        "run.max_context_tokens",
        _POSITIVE,
        "MAX_CONTEXT_TOKENS",
        "Context size compression aims for.",
    ),
    _k(
        "run.compression_threshold",
        number(0, 1, "a number between 0 and 1"),
        "COMPRESSION_THRESHOLD",
        "Compress once context passes this share of max_context_tokens.",
    ),
    _k(
        "run.use_cache",
        BOOL,
        "ENABLE_CACHE",
        "Skip passed tasks whose inputs did not change.",
        toml_key="cache",
        flag="--no-cache",
    ),
    _k("run.verify", BOOL, "", "Run each task's verify command.", flag="--no-verify"),
    _k(
        "run.verify_timeout",
        SECONDS,
        "VERIFY_TIMEOUT",
        "Seconds before a verify command is killed.",
    ),
    _k(
        "run.continue_on_failure",
        BOOL,
        "",
        "Keep scheduling tasks after one fails.",
        flag="--continue-on-failure",
    ),
    _k(
        "run.max_cost",
        number(0, math.inf, "a non-negative number"),
        "MAX_COST",
        "Budget in USD; the run stops before a call that would pass it.",
        flag="--max-cost",
    ),
    _k(
        "run.sandbox",
        choice("auto", "on", "off"),
        "SAGO_SANDBOX",
        "Run verify commands in a bubblewrap sandbox: auto (when bwrap works), on "
        "(required: exit 2 without it) or off. --sandbox means on, --no-sandbox off.",
        flag="--sandbox",
    ),
    _k(
        "run.sandbox_network",
        BOOL,
        "SAGO_SANDBOX_NETWORK",
        "Let sandboxed verify commands reach the network (default: loopback only).",
    ),
    _k(
        "run.sandbox_hide",
        PATH_LIST,
        "SAGO_SANDBOX_HIDE",
        "More paths hidden from verify and from prompts (absolute, or relative to your home).",
    ),
    _k("run.require_approval", BOOL, "REQUIRE_APPROVAL", "Refuse to run an unapproved plan."),
    _k(
        "run.strict_spec",
        BOOL,
        "STRICT_SPEC",
        "With require_approval, a spec changed since PLAN.md was made also refuses the run.",
    ),
    _k(
        "run.check_requirements",
        BOOL,
        "CHECK_REQUIREMENTS",
        "Tick a requirement's box in REQUIREMENTS.md when all its tasks passed.",
    ),
    _k(
        "run.yes",
        BOOL,
        "",
        "Accept every prompt's default (flag only).",
        toml_key=None,
        flag="--yes",
    ),
    _k(
        "run.trace",
        BOOL,
        "",
        "Write .planning/trace.html at the end of the run (flag only).",
        toml_key=None,
        flag="--trace",
    ),
    _k(
        "log_level",
        choice("DEBUG", "INFO", "WARNING", "ERROR", upper=True),
        "LOG_LEVEL",
        "Logging level.",
    ),
)

KEYS_BY_NAME: dict[str, KeyInfo] = {info.key: info for info in KEYS}
ENABLE_PARALLEL = "ENABLE_PARALLEL_EXECUTION"
DEFAULT_PARALLEL = 4

# Providers whose conventional key variable is not simply <PROVIDER>_API_KEY.
_PROVIDER_KEY_VARS: dict[str, tuple[str, ...]] = {
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "together_ai": ("TOGETHERAI_API_KEY", "TOGETHER_API_KEY"),
    "perplexity": ("PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"),
    "huggingface": ("HUGGINGFACE_API_KEY", "HF_TOKEN"),
}


def describe_keys() -> list[KeyInfo]:
    """Every setting in display order (the README table and the settings screen)."""
    return list(KEYS)


def provider_key_vars(provider: str, model: str) -> tuple[str, ...]:
    """Conventional API-key variables of the provider(s) a model is routed to.

    A ``provider/model`` model goes to that provider whatever ``llm.provider`` says,
    so its variables come first.
    """
    names: list[str] = []
    routed = [model.split("/", 1)[0]] if "/" in model else []
    for name in (*routed, provider or "openai"):
        slug = "".join(c if c.isalnum() else "_" for c in name.strip().lower())
        if not slug:
            continue
        for var in _PROVIDER_KEY_VARS.get(slug, (f"{slug.upper()}_API_KEY",)):
            if var not in names:
                names.append(var)
    return tuple(names)
