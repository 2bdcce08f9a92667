"""The trace writer on a full disk: the run goes on, and the writer says why it stopped."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from sago_tui.core.events import WarningIssued
from sago_tui.core.project import Project
from sago_tui.core.secrets import Redactor
from sago_tui.core.trace import TraceWriter


class _FullFile:
    """A file whose every write fails like a full disk."""

    closed = False

    def write(self, text: str) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self) -> None:
        self.closed = True


def test_a_full_disk_stops_the_trace_not_the_run(tmp_path: Path) -> None:
    project = Project.at(tmp_path)
    writer = TraceWriter(project, "20261207-000000-abcd", Redactor(()))
    writer._files[0].close()
    writer._files[0] = _FullFile()  # type: ignore[assignment]
    event = WarningIssued(message="hello")
    event.timestamp = "2026-12-07T00:00:00+00:00"
    writer(event)  # no exception reaches the emitting thread
    writer(event)
    assert writer.failed == f"disk full while writing {writer.path}"
    writer.close()
