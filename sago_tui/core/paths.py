"""Deciding whether the LLM may write a path (DESIGN.md §5.3).

The LLM names paths in its answer; each one is checked lexically (absolute,
``..``, protected names, the task's declared files) and then against the real
filesystem (symlinks that lead out of the project, directories), so no answer
can make sago-tui write outside the project or into its own bookkeeping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from sago_tui.core.project import PROTECTED_DIRS, PROTECTED_NAMES

_DRIVE = re.compile(r"^[A-Za-z]:")
_NAME_MAX = 255  # bytes per path component on common filesystems

# Case-insensitive: on macOS and Windows `plan.md` *is* PLAN.md.
_PROTECTED_NAMES = frozenset(name.casefold() for name in PROTECTED_NAMES)
_PROTECTED_DIRS = frozenset(name.casefold() for name in PROTECTED_DIRS)


class PathRefused(Exception):
    """The LLM may not write ``path``; ``reason`` says why in a few words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def normalize_relpath(raw: str) -> str:
    """``raw`` tidied for comparison: no quotes, ``/`` separators, no ``./`` or ``//``.

    Lexical only: ``..`` is kept (and refused later), nothing is resolved. An
    absolute path keeps its leading ``/`` so that it can be recognised.
    """
    text = raw
    previous = None
    while text != previous:
        previous = text
        text = text.strip().strip("`'\"")
    text = text.replace("\\", "/")
    absolute = text.startswith("/")
    kept = [part for part in text.split("/") if part not in ("", ".")]
    joined = "/".join(kept)
    return "/" + joined if absolute else joined


def _protected_reason(parts: list[str]) -> str | None:
    """Why a project-relative path made of ``parts`` is off limits, if it is."""
    folded = [part.casefold() for part in parts]
    for part, name in zip(parts, folded, strict=True):
        if name in _PROTECTED_DIRS:
            return f"inside {part}/ (protected)"
    if len(parts) == 1 and folded[0] in _PROTECTED_NAMES:
        return f"{parts[0]} is a protected sago file"
    return None


def _lexical_check(raw: str, declared: Collection[str]) -> str:
    """The normalised path, or :class:`PathRefused` for what the text alone rules out."""
    if "\x00" in raw:
        raise PathRefused(raw.replace("\x00", "\\0"), "NUL byte in path")
    path = normalize_relpath(raw)
    if not path:
        raise PathRefused(raw, "empty path")
    if path.startswith(("/", "~")) or _DRIVE.match(path):
        raise PathRefused(path, "absolute path")
    parts = path.split("/")
    if ".." in parts:
        raise PathRefused(path, "path leaves the project (..)")
    if any(len(part.encode("utf-8", "surrogatepass")) > _NAME_MAX for part in parts):
        raise PathRefused(path, "file name too long")
    reason = _protected_reason(parts)
    if reason is not None:
        raise PathRefused(path, reason)
    if path not in {normalize_relpath(item) for item in declared}:
        raise PathRefused(path, "not among the task's declared files")
    return path


def resolve_writable_path(root: Path, raw: str, declared: Collection[str]) -> Path:
    """The absolute path the LLM may write for ``raw``, or :class:`PathRefused`.

    Refused: empty, NUL bytes, absolute (``/``, ``~``, ``C:``), any ``..``, undeclared,
    protected (spec files, PLAN.md, STATE.md, sago.toml, .env at the root; anything
    under ``.git`` or ``.planning``), a path whose real location (after symlinks) is
    outside the project or protected, a target that is a symlink or a directory, and
    a parent that is a file.
    """
    path = _lexical_check(raw, declared)
    real_root = Path(os.path.realpath(root))
    lexical = real_root / path
    real = Path(os.path.realpath(lexical))
    if not real.is_relative_to(real_root):
        raise PathRefused(path, "a symlink leads outside the project")
    # A symlink inside the project may still point at .git/ or PLAN.md.
    reason = _protected_reason(list(real.relative_to(real_root).parts))
    if reason is not None:
        raise PathRefused(path, f"a symlink leads to a protected path ({reason})")
    if os.path.islink(lexical):
        raise PathRefused(path, "target is a symlink")
    if real.is_dir():
        raise PathRefused(path, "target is a directory")
    for parent in real.parents:
        if parent.exists():
            if not parent.is_dir():
                raise PathRefused(
                    path, f"parent {parent.relative_to(real_root)} is not a directory"
                )
            break
    return real
