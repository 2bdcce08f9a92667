"""Configuration layers: where each raw value came from, and turning it into a value.

A layer maps dotted keys to :class:`Raw` values; :mod:`sago_tui.config` stacks
them by precedence. Labels are built here so every error and every entry of
``Settings.sources`` names its origin the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sago_tui.config_keys import KEYS, KEYS_BY_NAME
from sago_tui.config_toml import known_values, read_toml, unknown_key_warnings, where
from sago_tui.config_types import InvalidValue, KeyInfo, show_raw
from sago_tui.core.errors import ConfigError
from sago_tui.core.project import ENV_FILE
from sago_tui.dotenv import EnvValue

ENV, DOTENV = 1, 2  # layer indexes (0 is flags, 3 sago.toml, 4 user config)


@dataclass(frozen=True)
class Raw:
    """A value as one layer gave it, with labels for ``sources`` and for errors."""

    value: object
    source: str
    where: str
    base: Path  # what a relative path in this value is relative to


Layer = dict[str, Raw]


def convert(info: KeyInfo, raw: Raw) -> object:
    """``raw`` as ``info``'s type, relative paths anchored; ``ConfigError`` names the origin."""
    try:
        value = info.type.convert(raw.value)
    except InvalidValue:
        shown = show_raw(raw.value, secret=info.kind == "secret")
        raise ConfigError(f"{raw.where}: expected {info.expected}, got {shown}") from None
    if isinstance(value, Path) and not value.is_absolute():
        value = raw.base / value
    return value


@dataclass(frozen=True)
class Sources:
    """The inputs of one resolution: environment, parsed ``.env`` and path anchors."""

    environ: Mapping[str, str]
    dotenv: Mapping[str, EnvValue]
    cwd: Path
    root: Path

    def env(self, name: str, layer: int) -> Raw | None:
        """``name`` from the environment (``ENV``) or ``.env`` (``DOTENV``); empty = unset."""
        if layer == ENV:
            value = self.environ.get(name, "")
            if not value:
                return None
            return Raw(value, f"environment {name}", f"environment: {name}", self.cwd)
        entry = self.dotenv.get(name)
        if entry is None or not entry.value:
            return None
        label = f"{ENV_FILE}:{entry.line}"
        return Raw(entry.value, f"{label} {name}", f"{label}: {name}", self.root)

    def first(self, names: tuple[str, ...]) -> Raw | None:
        """The first of ``names`` set in the environment, else in ``.env``."""
        for name in names:
            for layer in (ENV, DOTENV):
                raw = self.env(name, layer)
                if raw is not None:
                    return raw
        return None


def toml_layer(
    path: Path, label: str, source: str, base: Path, warnings: list[str], *, shared: bool = False
) -> Layer:
    """Known keys of a TOML file; unknown keys add warnings.

    An API key in a ``shared`` file (the project's sago.toml, usually committed) is
    refused unless the same file sets ``[llm] api_key_in_file = true``; elsewhere it
    only warns.
    """
    data, text = read_toml(path, label)
    warnings.extend(unknown_key_warnings(data, label, text))
    layer: Layer = {}
    values = known_values(data, label)
    for key, value in values.items():
        info = KEYS_BY_NAME[key]
        layer[key] = Raw(value, f"{source} {info.toml_label}", where(label, text, info), base)
        if info.kind != "secret":
            continue
        if shared and values.get("llm.api_key_in_file") is not True:
            raise ConfigError(
                f"{where(label, text, info)}: API keys belong in .env or the environment, "
                "not in a file that may be shared; move it (or set [llm] api_key_in_file = "
                "true to keep it here)"
            )
        if not shared:
            warnings.append(
                f"{label}: {info.toml_label}: API keys belong in .env or the environment, "
                "not in a file that may be shared"
            )
    return layer


def flag_layer(flags: Mapping[str, object], cwd: Path) -> Layer:
    """Command-line values by dotted key; ``None`` means the flag was not given."""
    layer: Layer = {}
    for key, value in flags.items():
        info = KEYS_BY_NAME.get(key)
        if info is None:
            # A caller bug, not a user mistake: fail loudly.
            raise ValueError(f"unknown setting {key!r}")
        if value is not None:
            layer[key] = Raw(value, f"flag {info.flag_label}", info.flag_label, cwd)
    return layer


def env_layer(src: Sources, layer: int) -> Layer:
    """Every key's primary variables read from the environment (``ENV``) or ``.env``."""
    found: Layer = {}
    for info in KEYS:
        raw = next((r for name in info.env if (r := src.env(name, layer)) is not None), None)
        if raw is not None:
            found[info.key] = raw
    return found
