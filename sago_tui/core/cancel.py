"""Cooperative cancellation shared by the orchestrator, LLM calls and verify runs."""

from __future__ import annotations

import threading

from sago_tui.core.errors import Cancelled


class CancelToken:
    """A thread-safe flag that long-running steps poll between (and during) steps."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "interrupted") -> None:
        """Ask every holder of the token to stop as soon as it can."""
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled(self.reason or "interrupted")

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds; return True early if cancelled."""
        return self._event.wait(timeout)
