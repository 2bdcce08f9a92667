"""Reviewing the plan: approve or skip tasks, edit one, approve all, feedback.

The orchestrator's approval request (:class:`PlanApprovalRequested`) arrives with a
future; :meth:`PlanController.decide` resolves it. Without a pending request the same
keys prepare the review, and starting the run answers the request at once when the
user already approved this very plan (``A``, a yes to ``r``'s question, or a recorded
approval). Review changes are announced with :class:`TasksChanged`, never drawn here.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future
from typing import TYPE_CHECKING

from sago_tui.core.approval import ApprovalDecision, save_approval
from sago_tui.core.errors import PlanError
from sago_tui.core.plan import Plan, Task
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.plan_writer import render_plan, write_plan
from sago_tui.tui.approver import NOT_APPROVED, resolve
from sago_tui.tui.loader import load_plan_state
from sago_tui.tui.messages import PlanApprovalRequested, PlanReplaced, PlanReread, TasksChanged
from sago_tui.tui.screens.task_edit_screen import TaskEditScreen
from sago_tui.tui.task_views import APPROVED, SKIPPED
from sago_tui.tui.ui_state import Phase

if TYPE_CHECKING:
    from sago_tui.tui.engine import EngineController
    from sago_tui.tui.task_views import Session
    from sago_tui.tui.ui_protocol import AppUI


def same_plan(a: Plan | None, b: Plan | None) -> bool:
    """True when both plans define the same tasks (text layout aside)."""
    if a is None or b is None:
        return False
    return [t.definition() for t in a.tasks] == [t.definition() for t in b.tasks]


def replace_task(plan: Plan, edited: Task) -> Plan:
    """A copy of ``plan`` with ``edited`` in place of the task with its id."""
    phases = [
        dataclasses.replace(phase, tasks=[edited if t.id == edited.id else t for t in phase.tasks])
        for phase in plan.phases
    ]
    return dataclasses.replace(plan, phases=phases)


class PlanController:
    """Holds the pending approval future and applies review actions to the session."""

    def __init__(self, session: Session, engine: EngineController, ui: AppUI) -> None:
        self.session, self.engine, self.ui = session, engine, ui
        self.future: Future[ApprovalDecision] | None = None
        self.go_pending = False  # r / A pressed before the request arrived

    def expect_request(self, *, approved: bool) -> None:
        """A run started; ``approved``: answer its approval request at once if the plan
        it asks about is the one the user already approved (``A``, or a yes to ``r``)."""
        self.go_pending = approved

    def on_request(self, message: PlanApprovalRequested) -> None:
        """The run asks for approval of ``message.plan``."""
        session = self.session
        same = same_plan(session.plan, message.plan)
        self.future = message.future
        if not same:
            session.set_plan(message.plan, message.issues)
            session.set_marks((), approved=False)  # a new plan: review it afresh
            self.ui.post_message(PlanReplaced())
        if self.go_pending and same:
            self.go_pending = False
            self.decide(ApprovalDecision(True, session.skipped()))
            return
        self.go_pending = False
        self.ui.awaiting = True
        self.ui.phase = Phase.AWAITING
        self.ui.show_tab("plan")
        self.ui.say("Plan ready for review — A approves all and runs; a/s/e/f act on one task.")
        self.ui.notify("Review the plan, then press A to approve all and run.", title="Plan ready")

    def decide(self, decision: ApprovalDecision) -> None:
        """Answer the pending request."""
        future, self.future = self.future, None
        self.ui.awaiting = False
        self.ui.clear_notifications()  # "Plan ready" is no longer true
        if future is not None and resolve(future, decision):
            session = self.session
            if decision.feedback:
                self.ui.phase = Phase.PLANNING
                self.ui.plan_pane.show_live("Regenerating PLAN.md with your feedback…")
            elif decision.approved:
                scope = self.ui.run_scope
                session.set_scope(scope)
                session.start_clock()  # elapsed time is the run's, not planning's and review's
                self.ui.phase = Phase.RUNNING
                self.ui.show_tab("feed")
                self.ui.say("Running — x stops the run.")

    def abandon(self) -> None:
        """The job ended or is stopping: a pending request is answered *not approved*."""
        if self.future is not None:
            resolve(self.future, NOT_APPROVED)
        self.future = None
        self.go_pending = False
        self.ui.awaiting = False

    # -- review actions ---------------------------------------------------------------
    def mark(self, mark: str) -> None:
        """Approve, or toggle the skip of, the selected task; then move to the next one."""
        tree = self.ui.plan_tree
        task_id = tree.selected_task_id
        view = self.session.tasks.get(task_id or "")
        if view is None:
            self.ui.say("Select a task in the plan tree first.", "warning")
            return
        view.set_mark(None if mark == SKIPPED and view.mark == SKIPPED else mark)
        self.ui.post_message(TasksChanged(frozenset({view.task.id})))
        tree.advance()

    def approve_all(self) -> None:
        """Every task not skipped is approved."""
        for view in self.session.tasks.values():
            if view.mark != SKIPPED:
                view.set_mark(APPROVED)
        self.ui.post_message(TasksChanged(frozenset(self.session.tasks)))

    def approve_plan_file(self) -> None:
        """Record approval of PLAN.md as it is now, without running."""
        project = self.ui.project
        text = project.plan_path.read_text(encoding="utf-8")
        self.approve_all()
        save_approval(project, text, approved_by="tui", skipped=self.session.skipped())
        self.reload_plan()
        self.ui.notify("Approval recorded in .planning/approval.json.", title="Plan approved")

    # -- editing ----------------------------------------------------------------------
    def check_edit(self, task: Task) -> str | None:
        """Why ``task`` cannot replace its original (the validator's first error), or None."""
        plan = self.session.plan
        if plan is None:
            return "there is no plan"
        try:
            parse_plan(render_plan(replace_task(plan, task)))
        except PlanError as exc:
            return "; ".join(exc.problems)
        return None

    def edit_selected(self) -> None:
        """Open the edit form for the selected task."""
        view = self.session.tasks.get(self.ui.plan_tree.selected_task_id or "")
        if view is None:
            self.ui.say("Select a task in the plan tree first.", "warning")
            return
        screen = TaskEditScreen(view.task, self.check_edit)
        self.ui.push_screen(screen, self._save_edit)

    def _save_edit(self, task: Task | None) -> None:
        plan = self.session.plan
        if task is None or plan is None:
            return
        try:
            write_plan(self.ui.project.plan_path, replace_task(plan, task))
        except OSError as exc:
            self.ui.say(f"Could not write PLAN.md: {exc}", "error")
            return
        self.reload_plan()
        self.ui.say(f"Task {task.id} saved to PLAN.md; the plan must be approved again.")

    def reload_plan(self) -> None:
        """Re-read PLAN.md (after an edit or an approval) into the session and the views."""
        snapshot = self.ui.snapshot
        load_plan_state(self.ui.project, snapshot)
        self.ui.post_message(PlanReread(snapshot))
