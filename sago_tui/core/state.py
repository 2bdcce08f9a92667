"""STATE.md: the project's progress, owned by this module alone (DESIGN.md §3).

The file is always rewritten whole from a parsed snapshot (temp file + fsync +
rename), so it stays parseable and a task appears once. Sections other than
Current Context and Task Progress belong to the user and are carried over verbatim.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.state_format import (
    StateSnapshot,
    TaskRecord,
    parse_state,
    render_state,
)
from sago_tui.core.task_status import TaskStatus
from sago_tui.core.text import one_line, strip_terminal_codes

__all__ = [
    "MAX_DETAIL_LINES",
    "StateSnapshot",
    "StateStore",
    "TaskRecord",
    "TaskStatus",
    "initial_state_text",
    "parse_state",
    "render_state",
]

MAX_DETAIL_LINES = 20
MAX_DETAIL_WIDTH = 400
"""Longest detail line kept: one line of a flood (minified JS, ``yes``) must not bloat
a file that is re-read and rewritten after every task."""


def initial_state_text(project_name: str) -> str:
    """The STATE.md that ``init`` writes: empty progress and the user's own sections."""
    snapshot = StateSnapshot(
        preamble=(
            f"Progress of {one_line(project_name, 80)}, kept by sago-tui: Current Context and "
            "Task Progress are rewritten on every run; edit the other sections freely."
        ),
        other_sections=[
            ("## Decisions Log", "- _Record decisions and their reasons here._"),
            ("## Known Blockers", "- _None._"),
        ],
    )
    return render_state(snapshot)


def _clip(line: str) -> str:
    return line if len(line) <= MAX_DETAIL_WIDTH else line[: MAX_DETAIL_WIDTH - 1] + "…"


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    # One lock per file, so two stores opened on the same STATE.md still serialise.
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.absolute(), threading.Lock())


class StateStore:
    """Reads and updates one STATE.md; safe to share between task threads.

    Every mutation re-reads the file (the user may have edited their sections since),
    applies the change and rewrites the file atomically.
    """

    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self._clock = clock or datetime.now
        self._lock = _lock_for(path)

    def _read(self) -> StateSnapshot:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            text = ""
        return parse_state(text)

    def _update(self, change: Callable[[StateSnapshot], None]) -> None:
        with self._lock:
            snapshot = self._read()
            change(snapshot)
            atomic_write_text(self.path, render_state(snapshot))

    def snapshot(self) -> StateSnapshot:
        """The file's current content, parsed."""
        with self._lock:
            return self._read()

    def record(
        self,
        task_id: str,
        name: str,
        status: TaskStatus,
        *,
        error: str = "",
        detail: Sequence[str] = (),
        refused: Sequence[str] = (),
    ) -> None:
        """Record ``task_id``'s result, replacing any earlier record of it.

        Terminal escape sequences (colours of a verify tool) are stripped; ``refused``
        lists the writes the task's answer attempted and was refused (``path (reason)``).

        ``error`` is collapsed to one line (category and summary); ``detail`` keeps the
        last :data:`MAX_DETAIL_LINES` lines, e.g. the tail of the verify output, each
        cut to :data:`MAX_DETAIL_WIDTH` characters.
        """
        if not task_id or ":" in task_id or any(c.isspace() for c in task_id):
            raise ValueError(f"invalid task id {task_id!r}")
        lines = [
            _clip(part.rstrip())
            for entry in detail
            for part in strip_terminal_codes(str(entry)).splitlines()
        ]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        entry = TaskRecord(
            task_id=task_id,
            name=one_line(name, 200),
            status=TaskStatus(status),
            timestamp=self._clock().strftime("%Y-%m-%d %H:%M:%S"),
            error=one_line(strip_terminal_codes(error), 500),
            detail=lines[-MAX_DETAIL_LINES:],
            refused=[one_line(strip_terminal_codes(r), 300) for r in refused][:MAX_DETAIL_LINES],
        )

        def change(snapshot: StateSnapshot) -> None:
            snapshot.records[task_id] = entry

        self._update(change)

    def clear(self, task_ids: Iterable[str] | None = None) -> None:
        """Forget the records of ``task_ids`` (all records when ``None``)."""
        ids = None if task_ids is None else set(task_ids)

        def change(snapshot: StateSnapshot) -> None:
            if ids is None:
                snapshot.records.clear()
            for task_id in ids or ():
                snapshot.records.pop(task_id, None)

        self._update(change)

    def set_context(
        self,
        *,
        active_phase: str | None = None,
        current_task: str | None = None,
        last_run: str | None = None,
    ) -> None:
        """Update the Current Context lines; ``None`` leaves a line as it is."""
        updates = {"active_phase": active_phase, "current_task": current_task, "last_run": last_run}

        def change(snapshot: StateSnapshot) -> None:
            for attr, value in updates.items():
                if value is not None:
                    setattr(snapshot, attr, one_line(value, 300))

        self._update(change)
