"""Secret names, the scrubbed verify environment, and redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.secret_rules import secret_parts
from sago_tui.core.secrets import (
    REDACTED,
    Redactor,
    is_secret_name,
    project_env_values,
    scrubbed_env,
)


@pytest.mark.parametrize(
    "name",
    [
        "LLM_API_KEY",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "HF_TOKEN",
        "AZURE_OPENAI_KEY",
        "AZURE_SPEECH_KEY",
        "FOO_TOKEN",
        "my_api_key",
        "STRIPE_SECRET",
        "CLIENT_SECRET_VALUE",
        "PGPASSWORD",
        "DB_PASSWD",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SSH_PRIVATE_KEY",
        "NPM_AUTH",
        "BASIC_AUTH_HEADER",
        "SMTP_PASS",
        "MYSQL_PWD",
        "OPENAI_APIKEY",
        "SIGNING_KEY",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "PATH",
        "HOME",
        "TERM",
        "LANG",
        "KEYMAP",
        "KEYBOARD_LAYOUT",
        "XDG_SESSION_TYPE",
        "PWD",
        "OLDPWD",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "TOKENIZERS_PARALLELISM",
        "PYTHONPATH",
        "MONKEY_MODE",
        "SHELL",
        "VIRTUAL_ENV",
    ],
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_scrubbed_env_drops_secrets_and_llm_settings() -> None:
    env = {
        "PATH": "/usr/bin",
        "HOME": "/home/me",
        "OPENAI_API_KEY": "sk-abcdef",
        "LLM_API_KEY": "sk-123456",
        "LLM_MODEL": "gpt-4o",
        "llm_provider": "openai",
        "FOO_TOKEN": "tok-123456",
        "KEYMAP": "us",
    }
    assert scrubbed_env(env) == {"PATH": "/usr/bin", "HOME": "/home/me", "KEYMAP": "us"}
    assert env["OPENAI_API_KEY"] == "sk-abcdef"  # the input is not modified


def test_scrubbed_env_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAGO_TEST_TOKEN", "secret-value")
    monkeypatch.setenv("SAGO_TEST_PLAIN", "plain")
    env = scrubbed_env()
    assert "SAGO_TEST_TOKEN" not in env
    assert env["SAGO_TEST_PLAIN"] == "plain"


def test_redact_replaces_every_occurrence() -> None:
    redactor = Redactor(["sk-live-123456", "hunter22"])
    text = "key=sk-live-123456 again sk-live-123456 pw=hunter22"
    assert redactor.redact(text) == f"key={REDACTED} again {REDACTED} pw={REDACTED}"


def test_short_values_are_not_redacted() -> None:
    redactor = Redactor(["abc", "12345", ""])
    assert not redactor
    assert redactor.redact("abc 12345") == "abc 12345"


def test_longest_secret_wins() -> None:
    redactor = Redactor(["secret", "secret-and-more"])
    assert redactor.redact("x secret-and-more y secret") == f"x {REDACTED} y {REDACTED}"


def test_regex_characters_in_secrets_are_literal() -> None:
    redactor = Redactor(["a+b*c(d)[e]"])
    assert redactor.redact("v=a+b*c(d)[e] and aab") == f"v={REDACTED} and aab"


def test_redact_data_recurses() -> None:
    redactor = Redactor(["topsecret"])
    data = {
        "msg": "the key is topsecret",
        "nested": [{"topsecret": ("topsecret", 3)}, 1.5, None],
    }
    assert redactor.redact_data(data) == {
        "msg": f"the key is {REDACTED}",
        "nested": [{REDACTED: (REDACTED, 3)}, 1.5, None],
    }


def test_from_environment_collects_secret_values() -> None:
    env = {"OPENAI_API_KEY": "sk-abcdef123", "HOME": "/home/person", "GH_TOKEN": "ghp_xyz789"}
    redactor = Redactor.from_environment(env, extra=["extra-secret"])
    text = "sk-abcdef123 /home/person ghp_xyz789 extra-secret"
    assert redactor.redact(text) == f"{REDACTED} /home/person {REDACTED} {REDACTED}"


def test_empty_redactor_returns_input_unchanged() -> None:
    redactor = Redactor([])
    data = {"a": ["b"]}
    assert redactor.redact("anything") == "anything"
    assert redactor.redact_data(data) is data


@pytest.mark.parametrize(
    "name", ["OPENAI_API_KEYS", "GITHUB_TOKENS", "DEPLOY_KEYS", "SLACK_WEBHOOK_URL", "WEBHOOK"]
)
def test_plural_and_webhook_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    ("name", "value", "parts"),
    [
        # Credentials inside a URL: the whole value and the password alone.
        ("DATABASE_URL", "postgres://app:hunter2pw@db:5432/x", ["hunter2pw"]),
        ("REDIS_URI", "redis://:r3dis-pass@cache:6379/0", ["r3dis-pass"]),
        ("SENTRY_DSN", "https://abc123publickey@o1.ingest.sentry.io/42", ["abc123publickey"]),
        ("PG_DSN", "host=db user=app password=kw-secret-1", ["kw-secret-1"]),
        ("HOOK_ENDPOINT", "https://api.example.com/x?token=t0ken-value&page=2", ["t0ken-value"]),
        # Any name, when the value has a password in a URL or the shape of a known key.
        ("MIRROR", "https://user:mirror-pass@pypi.example.com/simple", ["mirror-pass"]),
        ("CONFIG_A", "sk-proj-ABCDEFGHIJKLMNOPQRST", ["sk-proj-ABCDEFGHIJKLMNOPQRST"]),
        ("CONFIG_B", "ghp_abcdefghijklmnopqrstuvwxyz0123", ["ghp_abcdefghijklmnopqrstuvwxyz0123"]),
        ("CONFIG_C", "xoxb-1234567890-abcdefghij", ["xoxb-1234567890-abcdefghij"]),
        ("CONFIG_D", "AKIAABCDEFGHIJKLMNOP", ["AKIAABCDEFGHIJKLMNOP"]),
    ],
)
def test_secrets_by_value(name: str, value: str, parts: list[str]) -> None:
    found = secret_parts(name, value)
    assert found[0] == value and set(parts) <= set(found)
    assert name not in scrubbed_env({name: value, "PATH": "/bin"})
    redactor = Redactor.from_environment({name: value})
    for part in parts:
        assert part not in redactor.redact(f"printed: {part} and {value}")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOMEPAGE_URL", "https://example.com/docs"),
        ("DATABASE_URL", "postgres://db:5432/app"),  # no credentials in it
        ("API_BASE_URL", "http://127.0.0.1:8080/v1"),
        ("GREETING", "ask-me-anything"),
        ("MODEL", "gpt-4o-mini"),
    ],
)
def test_ordinary_values(name: str, value: str) -> None:
    assert secret_parts(name, value) == []
    assert scrubbed_env({name: value}) == {name: value}


def test_redact_output_also_hides_unknown_keys_and_url_passwords() -> None:
    redactor = Redactor([])
    text = "key sk-ant-ABCDEFGHIJKLMNOPQRSTU and postgres://me:pa55word@h/db ok"
    assert redactor.redact_output(text) == (f"key {REDACTED} and postgres://me:{REDACTED}@h/db ok")


def test_project_env_files_feed_the_redactor(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('export STRIPE_KEY="sk_live_abcdefghijklmnop1234"\nMODE=dev\n')
    (tmp_path / ".env.local").write_text("DATABASE_URL=mysql://u:local-db-pw@h/d\n")
    assert project_env_values(tmp_path)["MODE"] == "dev"
    redactor = Redactor.from_environment({}, project_root=tmp_path)
    text = "sk_live_abcdefghijklmnop1234 local-db-pw dev"
    assert redactor.redact(text) == f"{REDACTED} {REDACTED} dev"
