"""What may be read into a prompt (DESIGN.md §14, the read side of §5.3).

A file goes to the LLM only when it is inside the project, both as written and
after resolving symlinks, and is none of: a ``.env*`` file, anything under
``.git/`` or ``.planning/``, one of the home directory's secret stores (or a
``[run] sandbox_hide`` path). A plan that declares ``.env.local``, or a declared
file that is a symlink to ``../.env`` or ``~/.ssh/id_rsa``, is refused and
reported like a refused write, never read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sago_tui.core.project import PROTECTED_DIRS
from sago_tui.core.secret_paths import is_env_file_name, secret_store_paths

_PROTECTED_DIRS = frozenset(name.casefold() for name in PROTECTED_DIRS)


def _parts_reason(parts: Sequence[str]) -> str | None:
    if parts and parts[0].casefold() in _PROTECTED_DIRS:
        return f"inside {parts[0]}/ (protected)"
    if any(is_env_file_name(part) for part in parts):
        return ".env files hold secrets"
    return None


def read_refusal(
    root: Path, rel: str, *, hide: Sequence[str] = (), home: Path | None = None
) -> str | None:
    """Why ``rel`` (relative to ``root``) may not be read into a prompt; None when it may.

    Checked as written, then again after resolving every symlink.
    """
    text = rel.replace("\\", "/").strip()
    if not text or "\x00" in text:
        return "not a usable path"
    if text.startswith(("/", "~")) or ".." in text.split("/"):
        return "outside the project"
    reason = _parts_reason([p for p in text.split("/") if p not in ("", ".")])
    if reason is not None:
        return reason
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(real_root / text))
    if not real.is_relative_to(real_root):
        return "a symlink leads outside the project"
    reason = _parts_reason(real.relative_to(real_root).parts)
    if reason is not None:
        return f"a symlink leads to a hidden file ({reason})"
    for store in secret_store_paths(home or Path.home(), hide):
        store_real = Path(os.path.realpath(store))
        if real_root.is_relative_to(store_real):
            continue  # the whole project lives there: the user chose it
        if real == store_real or real.is_relative_to(store_real):
            return f"inside {store} (a secret store)"
    return None
