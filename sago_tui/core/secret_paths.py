"""What is secret on disk: ``.env*`` files, the home directory's stores, agent sockets.

The sandbox hides these paths from verify commands (:mod:`sago_tui.core.sandbox`) and
the read guard keeps them out of prompts (:mod:`sago_tui.core.read_guard`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import platformdirs

SECRET_STORES: tuple[str, ...] = (
    ".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc",
    ".git-credentials", ".pypirc", ".npmrc",
)  # fmt: skip
"""Home-relative paths hidden from verify (and never read into a prompt), with
sago-tui's own user config directory."""

# Folders not searched for .env files: big, generated, never the project's own secrets.
_SKIP_DIRS = frozenset(
    {".git", ".planning", "node_modules", "__pycache__", ".venv", "venv", ".tox", "dist",
     "build", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)  # fmt: skip
_WALK_LIMIT = 20_000  # entries looked at when searching for .env files
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
"""Committed templates without real values: readable, like any source file."""


def is_env_file_name(name: str) -> bool:
    """True for ``.env``, ``.env.local``, ``.env.production``, ``.envrc``: dotenv-style secrets."""
    return name.startswith(".env") and name.lower() not in ENV_TEMPLATES


SOCKETS: tuple[str, ...] = ("/run/docker.sock", "/var/run/docker.sock", "/run/podman/podman.sock")
"""Daemon sockets that grant root-equivalent access; a read-only mount does not stop a
connect(), so they are hidden too."""


def runtime_dir() -> Path:
    """The user's runtime directory (session bus, keyring, ssh-agent and gpg-agent sockets)."""
    return Path(os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}")


def secret_store_paths(home: Path, extra: Sequence[str] = ()) -> list[Path]:
    """The secret stores of ``home`` plus ``extra`` (``~`` expanded; relative to ``home``)."""
    paths = [home / rel for rel in SECRET_STORES]
    paths.append(Path(platformdirs.user_config_dir("sago-tui")))
    for item in extra:
        text = item.strip()
        if text:
            path = Path(text.replace("~", str(home), 1) if text.startswith("~") else text)
            paths.append(path if path.is_absolute() else home / path)
    return paths


def visible_in_sandbox(real: Path, root: Path) -> bool:
    """Would ``real`` be visible inside the sandbox (the private /tmp hides the host's)?"""
    tmp = Path("/tmp")
    return real.is_relative_to(root) or not real.is_relative_to(tmp)


def hidden_paths(root: Path, home: Path, extra: Sequence[str]) -> Iterator[Path]:
    """Existing real paths to hide: the project's .env files, then the secret stores."""
    seen: set[Path] = set()
    sockets = [runtime_dir(), *map(Path, SOCKETS)]
    for candidate in [*env_files(root), *secret_store_paths(home, extra), *sockets]:
        if not os.path.lexists(candidate):
            continue
        real = Path(os.path.realpath(candidate))
        # A store that holds the project would hide the project itself: leave it.
        if real in seen or not real.exists() or root.is_relative_to(real):
            continue
        if visible_in_sandbox(real, root):
            seen.add(real)
            yield real


def env_files(root: Path) -> Iterator[Path]:
    """``.env*`` files anywhere in the project (build and VCS folders skipped, bounded)."""
    stack, looked = [root], 0
    while stack and looked < _WALK_LIMIT:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    looked += 1
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in _SKIP_DIRS:
                            stack.append(Path(entry.path))
                    elif is_env_file_name(entry.name):
                        yield Path(entry.path)
        except OSError:
            continue
