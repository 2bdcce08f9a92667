"""Which environment variables hold secrets: by name, and by value.

Names: ``*_API_KEY(S)``, ``*_TOKEN(S)``, ``*SECRET*``, ``*PASSWORD*``, ``*_WEBHOOK*`` …
Names that often carry credentials inside a URL (``*_URL``, ``*_URI``, ``*_DSN``) count
when their value does: a password in the URL, a user in a DSN, a token in the query.
Values count whatever their name: a URL with a password, or a known key format
(``sk-…``, ``ghp_…``, ``xox…-``, ``AKIA…``, ``glpat-…``, ``AIza…``, a PEM private key).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# Matched against the upper-cased variable name. Word-ish boundaries (`_` or the
# ends) keep KEYMAP, MONKEY_*, TOKENIZERS_PARALLELISM and GIT_AUTHOR_* out.
_SECRET_NAME = re.compile(
    r"""
    (?:^|_)(?:API_?KEYS?|KEYS?|TOKENS?|PATS?)(?:_|$)   # *_API_KEY(S), *_KEY_ID, *_TOKENS
    | APIKEY
    | SECRET | PASSWORD | PASSWD | PASSPHRASE | CREDENTIAL | PRIVATE_?KEY
    | WEBHOOK                                   # the URL itself is the credential
    | (?:^|_)PASS$ | _PWD$                      # SMTP_PASS, MYSQL_PWD (not PWD itself)
    | _AUTH(?!OR)                               # NPM_AUTH, SSH_AUTH_SOCK; not GIT_AUTHOR_*
    | ^AUTH(?:_|$)
    """,
    re.VERBOSE,
)
_URL_NAME = re.compile(r"(?:_|^)(?:URL|URI|DSN|ENDPOINT|CONN(?:ECTION)?(?:_STRING)?)S?$")

KEY_PATTERN = re.compile(
    r"""
    \bsk-[A-Za-z0-9_\-]{16,}                  # OpenAI, Anthropic (sk-ant-…), DeepSeek
    | \b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}  # Stripe
    | \bgh[pousr]_[A-Za-z0-9]{20,}            # GitHub tokens
    | \bgithub_pat_[A-Za-z0-9_]{20,}
    | \bxox[abposr]-[A-Za-z0-9\-]{10,}        # Slack
    | \b(?:AKIA|ASIA)[A-Z0-9]{16}\b           # AWS access key ids
    | \bglpat-[A-Za-z0-9_\-]{20,}             # GitLab
    | \bAIza[0-9A-Za-z_\-]{35}                # Google
    | \bhf_[A-Za-z0-9]{30,}                   # Hugging Face
    | \bnpm_[A-Za-z0-9]{36}
    | \bpypi-[A-Za-z0-9_\-]{50,}
    | -----BEGIN[A-Z ]*PRIVATE\ KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE\ KEY-----|$)
    """,
    re.VERBOSE,
)
"""Key-shaped tokens; also used to scrub unknown keys out of verify output."""

URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@")
"""``scheme://user:password@`` anywhere in text; group 1 is the password."""

_SECRET_QUERY = re.compile(r"(?:^|_)(?:key|token|secret|password|pass|sig|signature|auth)", re.I)


def is_secret_name(name: str) -> bool:
    """True when an environment variable called ``name`` probably holds a secret."""
    return _SECRET_NAME.search(name.upper()) is not None


def _url_credentials(value: str, *, any_user: bool) -> list[str]:
    """Credential parts of a URL value (password, user of a DSN, secret query values)."""
    text = value.strip()
    if "://" not in text:
        # keyword DSNs: "host=db user=app password=hunter2"
        return re.findall(r"(?:^|\s)password\s*=\s*'?([^'\s]+)", text, re.I)
    try:
        parts = urlsplit(text)
        password, user = parts.password, parts.username
        query = parse_qsl(parts.query, keep_blank_values=False)
    except ValueError:
        return []
    found = [password] if password else []
    if any_user and user and not password:
        found.append(user)  # Sentry-style DSN: the user part is the key
    found += [v for k, v in query if _SECRET_QUERY.search(k) and v]
    return found


def secret_parts(name: str, value: str) -> list[str]:
    """The secret strings in ``name=value`` (empty when it is not a secret).

    The whole value comes first; a URL's password (or a DSN's key) follows, so that
    the part alone is redacted too when a program prints just that.
    """
    if not value.strip():
        return []
    upper = name.upper()
    by_url = _url_credentials(value, any_user=upper.endswith(("DSN", "DSNS")))
    keys = KEY_PATTERN.findall(value)
    if is_secret_name(name) or keys or (by_url and (_URL_NAME.search(upper) or "://" in value)):
        return [value, *by_url, *keys]
    return []


def is_secret(name: str, value: str) -> bool:
    """True when the variable ``name=value`` holds a secret, by its name or its value."""
    return bool(secret_parts(name, value))
