"""sago.toml and the user config file: reading (tomllib) and saving (tomlkit).

Both files share one schema: ``log_level`` at the top, ``[llm]`` and ``[run]`` tables
whose keys are those of :data:`sago_tui.config_keys.KEYS`. Reading uses the standard
library; tomlkit is only used to write, because it keeps the user's comments,
ordering and formatting.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from sago_tui.config_keys import KEYS, KEYS_BY_NAME
from sago_tui.config_types import InvalidValue, KeyInfo, show_raw
from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.errors import ConfigError
from sago_tui.core.project import CONFIG_FILE

_TABLES = frozenset(info.table for info in KEYS if info.table)
_KNOWN = {(info.table, info.toml_key) for info in KEYS if info.toml_key}
_DECODE_POSITION = re.compile(r"^(.*) \((at line \d+, column \d+|at end of document)\)$")
_TABLE_HEADER = re.compile(r"^\[\s*([A-Za-z0-9_\-\"' .]+?)\s*\]\s*(?:#.*)?$")


def read_toml(path: Path, label: str) -> tuple[dict[str, Any], str]:
    """The parsed file and its text; an absent file is empty.

    Malformed TOML raises ``<label>: invalid TOML at line L, column C: <reason>``.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}, ""
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not valid UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror or exc}") from None
    return parse_toml(text, label), text


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML text, turning a decode error into a one-line :class:`ConfigError`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _DECODE_POSITION.match(str(exc))
        reason, where = (match.group(1), match.group(2)) if match else (str(exc), "")
        where = f" {where}" if where else ""
        raise ConfigError(f"{label}: invalid TOML{where}: {reason}") from None
    except ValueError:  # Python's int-string limit: a number of thousands of digits
        raise ConfigError(f"{label}: invalid TOML: a number is too long") from None


def locate(text: str, info: KeyInfo) -> int | None:
    """Best-effort 1-based line of ``info``'s key in TOML ``text``."""
    name = re.escape(str(info.toml_key))
    in_table = re.compile(rf"^[\"']?{name}[\"']?\s*=")
    dotted = re.compile(rf"^{re.escape(info.table)}\s*\.\s*{name}\s*=") if info.table else None
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TABLE_HEADER.match(stripped)
        if header:
            current = header.group(1).strip().strip("\"'")
            continue
        if current == info.table and in_table.match(stripped):
            return number
        if current == "" and dotted is not None and dotted.match(stripped):
            return number
    return None


def where(label: str, text: str, info: KeyInfo) -> str:
    """Error prefix for a key in a TOML file: ``sago.toml:7: [run] parallel``."""
    line = locate(text, info)
    return f"{label}:{line}: {info.toml_label}" if line else f"{label}: {info.toml_label}"


def known_values(data: Mapping[str, Any], label: str) -> dict[str, object]:
    """Raw values of known keys by dotted key; a non-table ``[llm]``/``[run]`` is an error."""
    found: dict[str, object] = {}
    for table in _TABLES:
        if table in data and not isinstance(data[table], dict):
            raise ConfigError(f"{label}: {table}: expected a table, got {show_raw(data[table])}")
    for info in KEYS:
        if info.toml_key is None:
            continue
        container = data.get(info.table, {}) if info.table else data
        if info.toml_key in container:
            found[info.key] = container[info.toml_key]
    return found


def unknown_key_warnings(data: Mapping[str, Any], label: str, text: str = "") -> list[str]:
    """One warning per key or table the schema does not know (they are ignored).

    Each names the file and line and, when a known name is close, suggests it:
    ``sago.toml:3: unknown key [run] paralel (did you mean parallel?)``.
    """
    warnings: list[str] = []
    for name, value in data.items():
        if name in _TABLES:
            for key in value:
                if (name, key) not in _KNOWN:
                    known = sorted(k for t, k in _KNOWN if t == name)
                    hint = _suggest(key, known)
                    line = _line_of(text, name, key)
                    warnings.append(f"{_at(label, line)} unknown key [{name}] {key}{hint}")
        elif ("", name) not in _KNOWN:
            if isinstance(value, dict):
                hint = _suggest(name, sorted(_TABLES), brackets=True)
                line = _line_of(text, name, None)
                warnings.append(f"{_at(label, line)} unknown table [{name}]{hint}")
            else:
                hint = _suggest_anywhere(name)
                line = _line_of(text, "", name)
                warnings.append(f"{_at(label, line)} unknown key {name}{hint}")
    return warnings


def _at(label: str, line: int | None) -> str:
    return f"{label}:{line}:" if line else f"{label}:"


def _suggest(name: str, known: list[str], *, brackets: bool = False) -> str:
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not found:
        return " (ignored)"
    shown = f"[{found[0]}]" if brackets else found[0]
    return f" (did you mean {shown}?)"


def _suggest_anywhere(name: str) -> str:
    """A top-level key that belongs in a table (``parallel`` → ``[run] parallel``)."""
    labels = {f"[{t}] {k}" if t else str(k): str(k) for t, k in _KNOWN}
    found = difflib.get_close_matches(name, sorted(set(labels.values())), n=1, cutoff=0.6)
    if not found:
        return " (ignored)"
    label = next(lab for lab, key in sorted(labels.items()) if key == found[0])
    return f" (did you mean {label}?)"


def _line_of(text: str, table: str, key: str | None) -> int | None:
    """Best-effort 1-based line of ``[table]`` (``key`` None) or of ``key`` inside it."""
    current = ""
    key_line = re.compile(rf"^[\"']?{re.escape(key)}[\"']?\s*=") if key else None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TABLE_HEADER.match(stripped)
        if header:
            current = header.group(1).strip().strip("\"'")
            if key_line is None and current == table:
                return number
            continue
        if key_line is not None and current == table and key_line.match(stripped):
            return number
    return None


def _container(doc: MutableMapping[str, Any], table: str) -> MutableMapping[str, Any]:
    if not table:
        return doc
    if table not in doc:
        import tomlkit

        doc[table] = tomlkit.table()
    found = doc[table]
    if not isinstance(found, MutableMapping):
        raise ConfigError(f"{CONFIG_FILE}: {table}: expected a table")
    return found


def save_project_settings(project_root: Path, updates: Mapping[str, object]) -> Path:
    """Write dotted-key ``updates`` into the project's sago.toml and return its path.

    Comments, ordering and unrelated keys survive; missing tables are created; a value
    of ``None`` removes the key. Values are validated first, and API keys are refused
    because sago.toml is usually committed. The file is replaced atomically.
    """
    import tomlkit  # only for writing: every command reads settings, few save them

    path = project_root / CONFIG_FILE
    _, text = read_toml(path, CONFIG_FILE)  # validates, with tomllib's error positions
    doc = tomlkit.parse(text) if text else tomlkit.document()
    for key, value in updates.items():
        info = KEYS_BY_NAME.get(key)
        if info is None or info.toml_key is None:
            raise ConfigError(f"{CONFIG_FILE}: {key}: not a setting sago.toml can hold")
        if info.kind == "secret" and value is not None:
            raise ConfigError(
                f"{CONFIG_FILE}: {info.toml_label}: not saved; API keys belong in .env "
                "or the environment"
            )
        container = _container(doc, info.table)
        if value is None:
            container.pop(info.toml_key, None)
            continue
        try:
            converted = info.type.convert(value)
        except InvalidValue:
            raise ConfigError(
                f"{CONFIG_FILE}: {info.toml_label}: expected {info.expected}, got {show_raw(value)}"
            ) from None
        # Paths are stored as typed (relative stays relative to the project).
        container[info.toml_key] = str(value) if info.kind == "path" else converted
    atomic_write_text(path, tomlkit.dumps(doc))
    return path
