"""Value types of settings (conversion, error wording) and :class:`KeyInfo`, one table row.

A raw value is a string (environment, ``.env``), a TOML value, or whatever the
command line parsed (int, float, bool, str, Path). Converters raise
:class:`InvalidValue`; :mod:`sago_tui.config` adds where the value came from.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sago_tui.core.settings import Secret

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})

Converter = Callable[[object], object]


class InvalidValue(ValueError):
    """A raw value does not fit its type."""


@dataclass(frozen=True)
class ValueType:
    """A setting's type: ``kind`` for display, ``expected`` completes "expected …"."""

    kind: str
    expected: str
    convert: Converter
    choices: tuple[str, ...] = ()


def parse_bool(raw: object) -> bool:
    """``true/false/1/0/yes/no/on/off`` in any case, or a TOML boolean."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidValue


def integer(minimum: int, expected: str) -> ValueType:
    """Whole numbers ≥ ``minimum``; TOML floats such as ``4.0`` are refused."""

    def convert(raw: object) -> int:
        value: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():
            try:
                value = int(raw.strip())
            except ValueError:  # thousands of digits (Python's limit), or "²"
                raise InvalidValue from None
        if value is None or value < minimum:
            raise InvalidValue
        return value

    return ValueType("integer", expected, convert)


def number(low: float, high: float, expected: str, *, open_low: bool = False) -> ValueType:
    """Finite numbers in ``[low, high]`` (``(low, high]`` with ``open_low``)."""

    def convert(raw: object) -> float:
        value: float | None = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw)
        elif isinstance(raw, str):
            try:
                value = float(raw.strip())
            except ValueError:
                value = None
        if value is None or not math.isfinite(value):
            raise InvalidValue
        if value < low or (open_low and value == low) or value > high:
            raise InvalidValue
        return value

    return ValueType("number", expected, convert)


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidValue
    return raw.strip()


def _url(raw: object) -> str:
    value = _text(raw)
    if not value.startswith(("http://", "https://")):
        raise InvalidValue
    return value.rstrip("/")


def _secret(raw: object) -> Secret:
    return Secret(_text(raw))


def _path(raw: object) -> Path:
    # Relative paths stay relative here: the loader anchors them to the right base.
    if isinstance(raw, os.PathLike):
        raw = os.fspath(raw)
    return Path(_text(raw)).expanduser()


def _path_list(raw: object) -> tuple[str, ...]:
    # A TOML array of strings, or one string of ':'-separated paths (environment).
    if isinstance(raw, str):
        items: list[object] = [part for part in raw.split(os.pathsep) if part.strip()]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        raise InvalidValue
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise InvalidValue
    return tuple(str(item).strip() for item in items)


def choice(*names: str, upper: bool = False) -> ValueType:
    """One of ``names``, matched case-insensitively and normalised to their case."""

    def convert(raw: object) -> str:
        value = _text(raw)
        value = value.upper() if upper else value.lower()
        if value not in names:
            raise InvalidValue
        return value

    return ValueType("choice", "one of " + ", ".join(names), convert, names)


BOOL = ValueType("boolean", "true or false", parse_bool)
TEXT = ValueType("string", "a non-empty string", _text)
URL = ValueType("string", "an http:// or https:// URL", _url)
SECRET = ValueType("secret", "a non-empty string", _secret)
PATH = ValueType("path", "a file path", _path)
PATH_LIST = ValueType("paths", "a list of paths (TOML array, or ':'-separated)", _path_list)
SECONDS = number(0, math.inf, "a positive number of seconds", open_low=True)


def show_raw(raw: object, *, secret: bool = False) -> str:
    """A raw value as error messages quote it: strings in double quotes, ``0`` bare."""
    if secret:
        return "<hidden>"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str | os.PathLike):
        text = os.fspath(raw)
        if len(text) > 60:  # a 5,000-digit number must not become a 5,000-character error
            return json.dumps(text[:40], ensure_ascii=False)[:-1] + f'…" ({len(text):,} characters)'
        return json.dumps(text, ensure_ascii=False)
    if isinstance(raw, int | float):
        return str(raw)
    return f"a {type(raw).__name__}"


@dataclass(frozen=True)
class KeyInfo:
    """One setting.

    ``env`` names are read from the environment and ``.env`` at their layer (the
    first present wins); ``fallback_env`` only when the key is set nowhere else.
    ``table`` is the sago.toml table (``""`` for a top-level key) and ``toml_key``
    the name there (``None``: a flag-only option). ``flag`` is the command-line flag.
    """

    key: str
    type: ValueType
    help: str
    env: tuple[str, ...] = ()
    fallback_env: tuple[str, ...] = ()
    table: str = ""
    toml_key: str | None = None
    flag: str | None = None
    default: object = None

    @property
    def kind(self) -> str:
        """``string``, ``secret``, ``integer``, ``number``, ``boolean``, ``choice`` or ``path``."""
        return self.type.kind

    @property
    def expected(self) -> str:
        """What a valid value looks like, as errors say it (``an integer ≥ 1``)."""
        return self.type.expected

    @property
    def toml_label(self) -> str:
        """How the key is named in sago.toml messages: ``[run] parallel`` or ``log_level``."""
        return f"[{self.table}] {self.toml_key}" if self.table else str(self.toml_key)

    @property
    def flag_label(self) -> str:
        """The command-line flag, or ``--name`` derived from the key."""
        return self.flag or "--" + self.key.rsplit(".", 1)[-1].replace("_", "-")
