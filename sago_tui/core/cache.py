"""The per-project task cache (DESIGN.md §6).

A passed task is skipped with zero LLM calls when nothing that shaped it has
changed: its definition, the model, the outputs of the tasks whose files it
consumes, and its own files as last written (an edit by hand re-runs it, and
the LLM then sees the edited content). When a task does re-run, the reason is
reported: ``action changed``, ``model changed``, ``input src/a.py changed``,
``dependency 1.2 re-ran``. A task that passed without running its verify command
(``--no-verify``) is not a hit for a run that verifies: its check has not happened yet.

Entries live in ``.planning/cache/<task-id>.json`` and are written atomically;
an unreadable entry is a warning and a miss, never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.plan import Plan, Task
from sago_tui.core.project import Project

_FIELDS = ("name", "files", "action", "verify", "done", "depends_on")


@dataclass(frozen=True)
class CacheDecision:
    """Whether a task may be skipped, and why not when it may not."""

    hit: bool
    reason: str
    key: str = ""


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _digest(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


class TaskCache:
    """Decides cache hits for one run and records passed tasks."""

    def __init__(
        self,
        project: Project,
        plan: Plan,
        model: str,
        data_deps: Mapping[str, set[str]],
        warn: Callable[[str], None],
        *,
        verify: bool = True,
    ) -> None:
        self.project = project
        self.model = model
        self.data_deps = data_deps
        self.verify = verify
        self._warn = warn
        # The last task in plan order that writes each file owns its content on disk.
        self._last_writer: dict[str, str] = {}
        for task in plan.tasks:
            for name in task.files:
                self._last_writer[name] = task.id
        self._dir = project.cache_dir

    def _entry_path(self, task_id: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", task_id)
        return self._dir / f"{safe}.json"

    def _load(self, task_id: str) -> dict[str, Any] | None:
        path = self._entry_path(task_id)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError) as exc:  # unreadable, or not UTF-8
            self._warn(f"ignoring unreadable cache entry {path.name}: {exc}")
            return None
        try:
            entry = json.loads(text)
            if not isinstance(entry, dict) or not isinstance(entry.get("outputs"), dict):
                raise ValueError("not a cache entry")
            return entry
        except (OSError, ValueError) as exc:
            self._warn(f"ignoring unreadable cache entry {path.name}: {exc}")
            return None

    def _outputs_digest(self, task_id: str) -> str | None:
        entry = self._load(task_id)
        return _digest(entry["outputs"]) if entry else None

    def check(self, task: Task, rerun: Collection[str]) -> CacheDecision:
        """Decide whether ``task`` can be skipped; ``rerun`` = tasks executed in this run."""
        entry = self._load(task.id)
        if entry is None:
            return CacheDecision(False, "no cached result")
        definition = entry.get("definition", {})
        for field in _FIELDS:
            if definition.get(field) != task.definition()[field]:
                return CacheDecision(False, f"{field.replace('_', ' ')} changed")
        if entry.get("model") != self.model:
            return CacheDecision(False, f"model changed (was {entry.get('model')})")
        if self.verify and entry.get("verified") is False and task.verify.strip():
            return CacheDecision(False, "not verified yet (it passed with --no-verify)")
        recorded_deps = entry.get("dep_outputs", {})
        for dep in sorted(self.data_deps.get(task.id, set())):
            if dep in rerun:
                return CacheDecision(False, f"dependency {dep} re-ran")
            if recorded_deps.get(dep) != self._outputs_digest(dep):
                return CacheDecision(False, f"dependency {dep} changed")
        outputs: dict[str, Any] = entry["outputs"]
        for name in task.files:
            if self._last_writer.get(name) != task.id:
                continue  # a later task rewrites this file; its content is that task's business
            current = file_digest(self.project.root / name)
            if current != outputs.get(name):
                change = "missing" if current is None else "changed"
                return CacheDecision(False, f"input {name} {change}")
        return CacheDecision(True, "unchanged", str(entry.get("key", "")))

    def store(self, task: Task, inputs_before: Mapping[str, str | None]) -> str:
        """Record that ``task`` passed with its files as they are now; returns the key."""
        outputs = {name: file_digest(self.project.root / name) for name in task.files}
        dep_outputs = {
            dep: self._outputs_digest(dep) for dep in sorted(self.data_deps.get(task.id, set()))
        }
        body = {
            "definition": task.definition(),
            "model": self.model,
            "inputs": dict(inputs_before),
            "dep_outputs": dep_outputs,
        }
        key = _digest(body)
        verified = self.verify or not task.verify.strip()
        entry = {"key": key, **body, "outputs": outputs, "verified": verified}
        atomic_write_text(self._entry_path(task.id), json.dumps(entry, indent=1, sort_keys=True))
        return key

    def invalidate(self, task_id: str) -> None:
        """Forget a task's result (it failed, or the user asked to re-run it)."""
        with contextlib.suppress(FileNotFoundError):
            self._entry_path(task_id).unlink()

    def input_digests(self, task: Task) -> dict[str, str | None]:
        """Digests of the task's files before it runs (recorded with the result)."""
        return {name: file_digest(self.project.root / name) for name in task.files}
