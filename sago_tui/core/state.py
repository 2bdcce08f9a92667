"""STATE.md: the project's progress, owned by this module alone (DESIGN.md §3).

The file is always rewritten whole from a parsed snapshot (temp file + fsync +
rename), so it stays parseable and a task appears once. Sections other than
Current Context and Task Progress belong to the user and are carried over verbatim.

The store remembers the snapshot it last wrote and the file's inode, size and mtime:
while they are unchanged nobody has edited the file, so it is not parsed again. During
a run (:meth:`StateStore.coalesced`) a task's result is held back until the next task
starts (its Current Task line is written with every result before it), ``interval``
has passed, or the run ends: one rewrite per task instead of two, and none per cached
task. A run killed in between leaves the previous complete file; a result it lacks is
of a task whose cache entry was already written, so the next run finds the task
unchanged and records it again.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from sago_tui.core.atomic import atomic_write_status
from sago_tui.core.secrets import Redactor
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


Change = Callable[[StateSnapshot], None]
_Signature = tuple[int, int, int]


def _signature(status: os.stat_result) -> _Signature:
    return (status.st_ino, status.st_size, status.st_mtime_ns)


class StateStore:
    """Reads and updates one STATE.md; safe to share between task threads.

    Every mutation starts from the file as it is now (the user may have edited their
    sections since: the file is re-read whenever its inode, size or mtime changed),
    applies the change and rewrites the file atomically: at once, except task results
    inside :meth:`coalesced`, which wait for the next context change, the interval or
    the block's end.
    """

    def __init__(
        self,
        path: Path,
        clock: Callable[[], datetime] | None = None,
        *,
        redactor: Redactor | None = None,
    ) -> None:
        self.path = path
        self._clock = clock or datetime.now
        # Everything sago writes here passes the redactor: errors quote verify output.
        self._redact = redactor.redact if redactor is not None else str
        self._lock = _lock_for(path)
        self._known: StateSnapshot | None = None  # what this store last wrote
        self._known_sig: _Signature | None = None
        self._pending: list[Change] = []  # applied to _known, not yet written
        self._interval = 0.0
        self._last_write = 0.0

    def _read(self) -> StateSnapshot:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            text = ""
        return parse_state(text)

    def _current(self) -> StateSnapshot:
        """The snapshot to change: the remembered one while the file is as we left it."""
        try:
            sig: _Signature | None = _signature(self.path.stat())
        except OSError:
            sig = None
        if self._known is None or sig != self._known_sig:
            self._known = self._read()
            for change in self._pending:  # not written yet: replayed over the user's edit
                change(self._known)
        return self._known

    def _update(self, change: Change, *, hold: bool = False) -> None:
        """Apply ``change``; write now unless ``hold`` and within :meth:`coalesced`'s
        interval of the last write."""
        with self._lock:
            snapshot = self._current()
            change(snapshot)
            self._pending.append(change)
            if not hold or time.monotonic() - self._last_write >= self._interval:
                self._write()

    def _write(self) -> None:
        """Write the remembered snapshot (lock held); forget it if the write fails."""
        snapshot = self._known
        if snapshot is None:
            return
        try:
            text = render_state(snapshot).encode("utf-8")
            self._known_sig = _signature(atomic_write_status(self.path, text))
        except BaseException:
            self._known = self._known_sig = None  # re-read (and replay) next time
            raise
        self._pending.clear()
        self._last_write = time.monotonic()

    def flush(self) -> None:
        """Write any change still held back by :meth:`coalesced`."""
        with self._lock:
            if self._pending:
                self._current()  # pick up an edit made since the last write
                self._write()

    def flush_due(self) -> None:
        """Write held-back changes once ``interval`` has passed since the last write
        (called by the run's loop while it waits, so a long task does not hide them)."""
        with self._lock:
            if not self._pending or time.monotonic() - self._last_write < self._interval:
                return
        self.flush()

    @contextlib.contextmanager
    def coalesced(self, interval: float) -> Iterator[None]:
        """Within the block, rewrite the file at most every ``interval`` seconds; the
        last change is written when the block ends (also on an error)."""
        with self._lock:
            previous, self._interval = self._interval, interval
        try:
            yield
        finally:
            with self._lock:
                self._interval = previous
            self.flush()

    def snapshot(self) -> StateSnapshot:
        """The file's current content, parsed (changes held back are written first)."""
        self.flush()
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
            for part in self._redact(strip_terminal_codes(str(entry))).splitlines()
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
            error=one_line(self._redact(strip_terminal_codes(error)), 500),
            detail=lines[-MAX_DETAIL_LINES:],
            refused=[one_line(self._redact(strip_terminal_codes(r)), 300) for r in refused][
                :MAX_DETAIL_LINES
            ],
        )

        def change(snapshot: StateSnapshot) -> None:
            snapshot.records[task_id] = entry

        self._update(change, hold=True)

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
        """Update the Current Context lines; ``None`` leaves a line as it is.

        Always written at once, with any results held back: a run killed while a task
        works finds every earlier result and the task it was on in the file.
        """
        updates = {"active_phase": active_phase, "current_task": current_task, "last_run": last_run}

        def change(snapshot: StateSnapshot) -> None:
            for attr, value in updates.items():
                if value is not None:
                    setattr(snapshot, attr, one_line(self._redact(value), 300))

        self._update(change)
