"""The approver the orchestrator calls from its worker thread (DESIGN.md §8).

It posts :class:`PlanApprovalRequested` with a ``concurrent.futures.Future`` and waits
on it. The wait also watches the run's :class:`CancelToken`, so a stop or a quit ends it
even if the UI never answers; :meth:`UIApprover.abort` resolves a pending future at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout

from textual.message import Message

from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.cancel import CancelToken
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.tui.messages import PlanApprovalRequested

NOT_APPROVED = ApprovalDecision(approved=False)
_POLL_S = 0.1  # how often a waiting approver looks at the cancel token


class UIApprover:
    """An :data:`~sago_tui.core.approval.Approver` that asks the app and blocks for the answer."""

    def __init__(self, post: Callable[[Message], bool], cancel: CancelToken) -> None:
        self._post = post
        self._cancel = cancel
        self._lock = threading.Lock()
        self._pending: Future[ApprovalDecision] | None = None

    def __call__(self, plan: Plan, issues: list[PlanIssue]) -> ApprovalDecision:
        """Ask the UI about ``plan`` and wait for the decision (runs on the worker thread)."""
        future: Future[ApprovalDecision] = Future()
        with self._lock:
            if self._cancel.cancelled:
                return NOT_APPROVED
            self._pending = future
        try:
            if not self._post(PlanApprovalRequested(plan, list(issues), future)):
                return NOT_APPROVED  # the app is closing: nobody will answer
            while True:
                try:
                    return future.result(timeout=_POLL_S)
                except FutureTimeout:
                    if self._cancel.cancelled:
                        resolve(future, NOT_APPROVED)
                        return future.result()
        finally:
            with self._lock:
                self._pending = None

    def abort(self) -> None:
        """Answer a pending request with *not approved* (stop, quit)."""
        with self._lock:
            future = self._pending
        if future is not None:
            resolve(future, NOT_APPROVED)


def resolve(future: Future[ApprovalDecision], decision: ApprovalDecision) -> bool:
    """Set ``decision`` unless the future is already resolved; True if this call set it."""
    try:
        future.set_result(decision)
    except InvalidStateError:  # the other side answered first
        return False
    return True
