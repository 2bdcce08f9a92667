"""The app side of spec drift and ``plan --update`` (DESIGN.md §11).

Owns the Plan tab's drift banner: refreshed whenever the project is (re)loaded and
when a spec file is saved, so an edit in the Spec tab shows its drift at once. ``u``
starts the update job; its worker asks for review with :class:`PlanUpdateProposed`
and waits on a future the :class:`PlanDiffScreen` resolves (or a stop aborts).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from sago_tui.core.cancel import CancelToken
from sago_tui.core.drift import SpecDrift, detect_drift
from sago_tui.core.errors import SagoError
from sago_tui.tui.ui_state import Phase

if TYPE_CHECKING:
    from sago_tui.core.plan_update import PlanUpdate, Reviewer
    from sago_tui.tui.app import SagoApp

_POLL_S = 0.1


@dataclass
class PlanUpdateProposed(Message):
    """The update job (in its worker thread) wants ``update`` reviewed; answer on ``future``."""

    update: PlanUpdate
    future: Future[bool]


class UpdateController:
    """The drift banner, the ``u`` key and the plan-diff review."""

    def __init__(self, app: SagoApp) -> None:
        self.app = app
        self.drift: SpecDrift | None = None

    def refresh(self) -> SpecDrift | None:
        """Compare the spec with PLAN.md's snapshot and show the result (a few small files)."""
        try:
            self.drift = detect_drift(self.app.project)
        except SagoError as exc:  # an unreadable spec file: say so instead of a stale banner
            self.drift = None
            self.app.say(f"Cannot compare the spec with PLAN.md's snapshot: {exc.message}",
                         "warning")  # fmt: skip
        self.app.plan_pane.drift_banner.show_drift(self.drift)
        self.app.refresh_bindings()
        return self.drift

    def offered(self) -> bool:
        """``u`` is on offer while the spec has drifted and no job runs."""
        return bool(self.drift) and self.app.session.plan is not None and not self.app.engine.busy

    def spec_saved(self, name: str) -> None:
        """A spec file was saved: show its drift now, and offer ``u``."""
        drift = self.refresh()
        if drift:
            self.app.say(
                f"Saved {name}. The spec changed since PLAN.md was made ({drift.summary()}): "
                "u on the Plan tab updates the plan.",
                "warning",
            )

    def start(self) -> None:
        """``u``: update PLAN.md for the spec's changes (no call when nothing changed)."""
        app = self.app
        if app.engine.busy:
            app.say("A job is already running (x stops it).", "warning")
            return
        from sago_tui.core.plan_update import current_drift

        try:
            drifted = bool(current_drift(app.project))
        except SagoError as exc:
            app.say(exc.message, "error")
            return
        if not drifted:
            app.say("The spec has not changed since PLAN.md was made; nothing to update.")
            return
        app.run_scope = None
        app.session.begin_job(None, run=False)
        app.phase = Phase.PLANNING
        app.plan_pane.show_live("Updating PLAN.md for the spec's changes…")
        app.show_tab("plan")
        app.engine.start("update", app.settings, lambda o: o.update(self._reviewer(o.cancel))[0])
        app.say("Updating PLAN.md for the spec's changes…")

    def _reviewer(self, cancel: CancelToken) -> Reviewer:
        """A reviewer for the worker thread: post the proposal, wait for the answer."""
        post = self.app.post_message

        def review(update: PlanUpdate) -> bool:
            future: Future[bool] = Future()
            if cancel.cancelled or not post(PlanUpdateProposed(update, future)):
                return False
            while True:
                try:
                    return future.result(timeout=_POLL_S)
                except FutureTimeout:
                    if cancel.cancelled:
                        _answer(future, False)
                        return future.result()

        return review

    def show_requirements(self) -> None:
        """``t``: each requirement's tasks (with their status here) and whether it is done."""
        from sago_tui.core.traceability import load_requirements, requirement_status
        from sago_tui.tui.screens.requirements_screen import RequirementsScreen

        app = self.app
        plan = app.session.plan
        rows = []
        if plan is not None and any(task.reqs for task in plan.tasks):
            passed = ("passed", "cached")
            statuses = {
                task_id: "passed" if view.status in passed else view.status
                for task_id, view in app.session.tasks.items()
            }
            rows = requirement_status(plan, load_requirements(app.project), statuses)
        app.push_screen(RequirementsScreen(rows))

    def review(self, message: PlanUpdateProposed) -> None:
        """Show the plan diff; the answer goes back to the waiting worker."""
        from sago_tui.tui.screens.plan_diff_screen import PlanDiffScreen

        self.app.drain()  # the streamed answer first

        def answered(apply: bool | None) -> None:
            _answer(message.future, bool(apply))
            if not apply:
                self.app.notify("PLAN.md is kept as it was; the proposed update is saved under "
                                ".planning/raw/.", title="Plan update not applied")  # fmt: skip

        self.app.push_screen(PlanDiffScreen(message.update), answered)


def _answer(future: Future[bool], apply: bool) -> None:
    """Resolve ``future`` unless a stop already did."""
    with contextlib.suppress(InvalidStateError):  # a stop answered first: it took "keep"
        future.set_result(apply)
