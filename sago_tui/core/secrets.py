"""Keeping secrets out of verify commands and out of everything sago-tui writes.

Verify commands run LLM-written code, so they get an environment without API
keys, tokens or passwords, found by name and by value (:mod:`secret_rules`; the
seed passed them straight through). Everything stored or sent passes a
:class:`Redactor` that replaces known secret values with ``[REDACTED]``, at a few
choke points: the LLM gateway (prompts before sending, answers on receipt), the
verify result, the trace writer, STATE.md, recordings, reports, the HTML export,
the console printer and the log handler.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from sago_tui.core.secret_rules import (
    KEY_PATTERN,
    URL_PASSWORD,
    is_secret,
    is_secret_name,
    secret_parts,
)

__all__ = [
    "REDACTED",
    "Redactor",
    "is_secret",
    "is_secret_name",
    "project_env_values",
    "scrubbed_env",
    "secret_values",
]

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
"""Shorter values are not redacted: replacing every ``true`` or ``1234`` would wreck text."""


def scrubbed_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default ``os.environ``) without secrets (by name or by value)
    or sago's ``LLM_*`` settings."""
    source = os.environ if env is None else env
    return {
        name: value
        for name, value in source.items()
        if not is_secret(name, value) and not name.upper().startswith("LLM_")
    }


def secret_values(env: Mapping[str, str]) -> list[str]:
    """Every secret string of ``env``: whole values and their credential parts."""
    return [part for name, value in env.items() for part in secret_parts(name, value)]


_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def project_env_values(root: Path) -> dict[str, str]:
    """Variables of the project's ``.env*`` files (read leniently, never raising).

    Only to learn which values to redact: a verify command outside the sandbox could
    read and print them.
    """
    found: dict[str, str] = {}
    try:
        names = sorted(n for n in os.listdir(root) if n.startswith(".env"))
    except OSError:
        return found
    for name in names:
        try:
            text = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if match := _DOTENV_LINE.match(line):
                value = match.group(2)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                found[f"{match.group(1)}"] = value
    return found


class Redactor:
    """Replaces known secret values in text and nested data with ``[REDACTED]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {value for value in secrets if len(value) >= MIN_SECRET_LENGTH}
        # Longest first, so a secret containing another is replaced whole.
        ordered = sorted(values, key=lambda value: (-len(value), value))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # json.dumps(ensure_ascii=False) writes these secrets verbatim (it escapes only
        # quotes, backslashes and control characters), so a line without them is clean.
        self._verbatim_in_json = all(_JSON_PLAIN.fullmatch(value) for value in ordered)

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str] | None = None,
        extra: Iterable[str] = (),
        *,
        project_root: Path | None = None,
    ) -> Redactor:
        """A redactor for the secrets of ``env`` (by name and by value), of the project's
        ``.env*`` files when ``project_root`` is given, plus ``extra``."""
        source = os.environ if env is None else env
        found = secret_values(source)
        if project_root is not None:
            found += secret_values(project_env_values(project_root))
        return cls([*found, *extra])

    def __bool__(self) -> bool:
        """False when there is nothing to redact."""
        return self._pattern is not None

    def redact(self, text: str) -> str:
        """``text`` with every secret value replaced."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def redact_output(self, text: str) -> str:
        """``text`` from a program (verify output): known secrets, and also any key-shaped
        token or URL password, known or not (it may come from a file verify read)."""
        text = self.redact(text)
        text = KEY_PATTERN.sub(REDACTED, text)
        return URL_PASSWORD.sub(lambda m: m.group(0).replace(m.group(1), REDACTED), text)

    def redact_data(self, obj: object) -> object:
        """``obj`` with secrets replaced in every string of nested dicts, lists and tuples."""
        if self._pattern is None:
            return obj
        if isinstance(obj, str):
            return self.redact(obj)
        if isinstance(obj, dict):
            return {self.redact_data(key): self.redact_data(value) for key, value in obj.items()}
        if isinstance(obj, list):
            return [self.redact_data(item) for item in obj]
        if isinstance(obj, tuple):
            return tuple(self.redact_data(item) for item in obj)
        return obj

    def json_line(self, record: object) -> str:
        """``json.dumps(redact_data(record), ensure_ascii=False, default=str)``, without
        walking ``record`` when the serialised line holds no secret (the usual case)."""
        line = json.dumps(record, ensure_ascii=False, default=str)
        if self._pattern is None or (self._verbatim_in_json and self._pattern.search(line) is None):
            return line
        return json.dumps(self.redact_data(record), ensure_ascii=False, default=str)
