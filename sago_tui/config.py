"""Build :class:`~sago_tui.core.settings.Settings` from every configuration layer.

Precedence, highest first: command-line flag > process environment > project
``.env`` > project ``sago.toml`` > user config file > defaults. Every value of every
layer is validated (a bad value is an error even when a higher layer overrides it),
and each error is one line naming the key and where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from sago_tui.config_keys import (
    DEFAULT_PARALLEL,
    ENABLE_PARALLEL,
    KEYS,
    KEYS_BY_NAME,
    describe_keys,
    provider_key_vars,
)
from sago_tui.config_layers import (
    DOTENV,
    ENV,
    Layer,
    Sources,
    convert,
    env_layer,
    flag_layer,
    toml_layer,
)
from sago_tui.config_toml import save_project_settings
from sago_tui.config_types import InvalidValue, KeyInfo, parse_bool, show_raw
from sago_tui.core.errors import ConfigError
from sago_tui.core.project import CONFIG_FILE, ENV_FILE
from sago_tui.core.settings import LLMSettings, RunOptions, Settings
from sago_tui.dotenv import read_dotenv

__all__ = [
    "KEYS",
    "KeyInfo",
    "describe_keys",
    "load_settings",
    "save_project_settings",
    "user_config_path",
]

APP_NAME = "sago-tui"


def user_config_path() -> Path:
    """The user config file: ``<user config dir>/sago-tui/config.toml``."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_settings(
    project_root: Path | None,
    *,
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    user_config: Path | None = None,
) -> Settings:
    """Resolve every setting for the project at ``project_root`` (``None``: no project).

    ``flags`` maps dotted keys to command-line values (``None`` = not given);
    ``environ`` defaults to :data:`os.environ` and is never modified, nor is ``.env``
    copied into it. ``user_config`` defaults to :func:`user_config_path`. Raises
    :class:`ConfigError` on the first invalid value.
    """
    cwd = Path.cwd()
    root = project_root.absolute() if project_root is not None else cwd
    dotenv = read_dotenv(root / ENV_FILE, ENV_FILE) if project_root is not None else {}
    src = Sources(os.environ if environ is None else environ, dotenv, cwd, root)
    warnings: list[str] = []
    user = user_config if user_config is not None else user_config_path()
    project: Layer = {}
    if project_root is not None:
        project = toml_layer(
            root / CONFIG_FILE, CONFIG_FILE, CONFIG_FILE, root, warnings, shared=True
        )
    layers = [
        flag_layer(flags or {}, cwd),
        env_layer(src, ENV),
        env_layer(src, DOTENV),
        project,
        toml_layer(user, str(user), "user config", root, warnings),
    ]

    values: dict[str, object] = {}
    sources = {info.key: "default" for info in KEYS}
    winner: dict[str, int] = {}
    for info in KEYS:
        for index, layer in enumerate(layers):
            if (raw := layer.get(info.key)) is None:
                continue
            value = convert(info, raw)  # shadowed values are validated too
            if info.key not in values:
                values[info.key], sources[info.key], winner[info.key] = value, raw.source, index

    # Fallback variables count only when the key is set in no layer at all.
    provider = str(values.get("llm.provider", LLMSettings.provider))
    model = str(values.get("llm.model", LLMSettings.model))
    fallbacks = {
        "llm.api_base": KEYS_BY_NAME["llm.api_base"].fallback_env,
        "llm.api_key": provider_key_vars(provider, model),
    }
    for key, names in fallbacks.items():
        if key not in values and (raw := src.first(names)) is not None:
            values[key], sources[key] = convert(KEYS_BY_NAME[key], raw), raw.source
    _apply_enable_parallel(src, values, sources, winner.get("run.parallel"))
    return _build(values, sources, warnings)


def _apply_enable_parallel(
    src: Sources, values: dict[str, object], sources: dict[str, str], winner: int | None
) -> None:
    """The seed's ``ENABLE_PARALLEL_EXECUTION``, weighed at its own layer.

    ``true`` acts like ``MAX_CONCURRENT_TASKS=4`` unless a flag or MAX_CONCURRENT_TASKS
    gives the number; ``false`` only fills in 1 when run.parallel is set nowhere else,
    so the seed's sample ``.env`` does not cancel a ``parallel`` in sago.toml.
    """
    raw = src.first((ENABLE_PARALLEL,))
    for layer in (ENV, DOTENV):  # validate both copies, like every other value
        if (seen := src.env(ENABLE_PARALLEL, layer)) is not None:
            try:
                parse_bool(seen.value)
            except InvalidValue:
                got = show_raw(seen.value)
                raise ConfigError(f"{seen.where}: expected true or false, got {got}") from None
    if raw is None:
        return
    if parse_bool(raw.value):
        if winner is None or winner > DOTENV:
            values["run.parallel"], sources["run.parallel"] = DEFAULT_PARALLEL, raw.source
    elif winner is None:
        values["run.parallel"], sources["run.parallel"] = 1, raw.source


def _build(values: dict[str, object], sources: dict[str, str], warnings: list[str]) -> Settings:
    llm = {key[4:]: value for key, value in values.items() if key.startswith("llm.")}
    run = {key[4:]: value for key, value in values.items() if key.startswith("run.")}
    return Settings(
        llm=LLMSettings(**llm),  # type: ignore[arg-type]
        run=RunOptions(**run),  # type: ignore[arg-type]
        log_level=str(values.get("log_level", Settings.log_level)),
        sources=sources,
        warnings=tuple(warnings),
    )
