"""A small, strict reader for project ``.env`` files (no python-dotenv).

Supported: ``KEY=VALUE``, ``export KEY=VALUE``, blank lines, ``#`` comment lines,
single quotes (literal), double quotes (``\\n``, ``\\t``, ``\\r``, ``\\"``, ``\\\\``
escapes) and `` #`` comments after unquoted values. Values are returned, never
put into ``os.environ``: the process environment must stay what the user exported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from sago_tui.core.errors import ConfigError

_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}
# An unquoted value ends at a '#' that starts the value or follows whitespace.
_INLINE_COMMENT = re.compile(r"(?:^|\s)#")


class EnvValue(NamedTuple):
    """One assignment: its value and the 1-based line it came from."""

    value: str
    line: int


class _BadLine(Exception):
    """Internal: the line cannot be parsed."""


def _double_quoted(rest: str) -> tuple[str, str]:
    """Value of a double-quoted string starting at ``rest[0]`` and the text after it."""
    out: list[str] = []
    i = 1
    while i < len(rest):
        char = rest[i]
        if char == "\\" and i + 1 < len(rest):
            nxt = rest[i + 1]
            # Unknown escapes stay as written (``\d`` in a regex keeps its backslash).
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        if char == '"':
            return "".join(out), rest[i + 1 :]
        out.append(char)
        i += 1
    raise _BadLine


def _value(raw: str) -> str:
    """The value of the text after ``=`` on one line."""
    rest = raw.strip()
    if rest[:1] in ('"', "'"):
        if rest[0] == '"':
            value, after = _double_quoted(rest)
        else:
            end = rest.find("'", 1)
            if end < 0:
                raise _BadLine
            value, after = rest[1:end], rest[end + 1 :]
        after = after.strip()
        # Only a comment may follow the closing quote.
        if after and not after.startswith("#"):
            raise _BadLine
        return value
    match = _INLINE_COMMENT.search(rest)
    if match:
        rest = rest[: match.start()]
    return rest.strip()


def parse_dotenv(text: str, label: str = ".env") -> dict[str, EnvValue]:
    """Parse ``.env`` text; a later assignment of a key replaces an earlier one.

    Raises :class:`ConfigError` ``<label>:<line>: cannot parse line (expected KEY=VALUE)``
    for a line without ``=``, with an invalid name or with broken quoting. The message
    never repeats the line, which may hold a secret.
    """
    values: dict[str, EnvValue] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        try:
            if match is None:
                raise _BadLine
            values[match.group(1)] = EnvValue(_value(match.group(2)), number)
        except _BadLine:
            raise ConfigError(f"{label}:{number}: cannot parse line (expected KEY=VALUE)") from None
    return values


def read_dotenv(path: Path, label: str = ".env") -> dict[str, EnvValue]:
    """Parse the file at ``path``; an absent file gives no values."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not valid UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror or exc}") from None
    return parse_dotenv(text, label)
