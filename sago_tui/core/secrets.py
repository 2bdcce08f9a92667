"""Keeping secrets out of verify commands and out of everything sago-tui writes.

Verify commands run LLM-written code, so they get an environment without API
keys, tokens or passwords (the seed passed them straight through). Anything
written to a trace, an export, STATE.md or a cassette goes through a
:class:`Redactor` that replaces known secret values with ``[REDACTED]``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
"""Shorter values are not redacted: replacing every ``true`` or ``1234`` would wreck text."""

# Matched against the upper-cased variable name. Word-ish boundaries (`_` or the
# ends) keep KEYMAP, MONKEY_*, TOKENIZERS_PARALLELISM and GIT_AUTHOR_* out.
_SECRET_NAME = re.compile(
    r"""
    (?:^|_)(?:API_?KEY|KEY|TOKEN|PAT)(?:_|$)   # *_API_KEY, *_KEY, *_KEY_ID, *_TOKEN
    | APIKEY
    | SECRET | PASSWORD | PASSWD | PASSPHRASE | CREDENTIAL | PRIVATE_?KEY
    | (?:^|_)PASS$ | _PWD$                      # SMTP_PASS, MYSQL_PWD (not PWD itself)
    | _AUTH(?!OR)                               # NPM_AUTH, SSH_AUTH_SOCK; not GIT_AUTHOR_*
    | ^AUTH(?:_|$)
    """,
    re.VERBOSE,
)


def is_secret_name(name: str) -> bool:
    """True when an environment variable called ``name`` probably holds a secret."""
    return _SECRET_NAME.search(name.upper()) is not None


def scrubbed_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default ``os.environ``) without secrets or sago's ``LLM_*`` settings."""
    source = os.environ if env is None else env
    return {
        name: value
        for name, value in source.items()
        if not is_secret_name(name) and not name.upper().startswith("LLM_")
    }


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
        cls, env: Mapping[str, str] | None = None, extra: Iterable[str] = ()
    ) -> Redactor:
        """A redactor for the values of secret-named variables in ``env`` plus ``extra``."""
        source = os.environ if env is None else env
        found = [value for name, value in source.items() if is_secret_name(name)]
        return cls([*found, *extra])

    def __bool__(self) -> bool:
        """False when there is nothing to redact."""
        return self._pattern is not None

    def redact(self, text: str) -> str:
        """``text`` with every secret value replaced."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

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
