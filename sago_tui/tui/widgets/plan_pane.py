"""The Plan tab: approval bar, then the tree and detail, the streaming answer, or a hint.

The review keys (a approve, s skip, e edit, f feedback) are bound here, so they act only
while the Plan tab has focus, and ``check_action`` (the app's availability rules) hides
them from the footer when they cannot act. Each posts :class:`ReviewKeyPressed`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Static

from sago_tui.tui.keymap import bindings
from sago_tui.tui.messages import ReviewKeyPressed
from sago_tui.tui.task_views import Session
from sago_tui.tui.widgets.approval_bar import ApprovalBar
from sago_tui.tui.widgets.connecting import ConnectingSpinner
from sago_tui.tui.widgets.plan_stream import PlanStream
from sago_tui.tui.widgets.plan_tree import PlanTree
from sago_tui.tui.widgets.task_detail import TaskDetail


class PlanPane(Vertical):
    """Switches between ``plan-empty``, ``plan-body`` and ``plan-live`` views."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("plan")

    def __init__(self, session: Session) -> None:
        super().__init__(id="plan-pane")
        self.session = session
        # Built here so the app holds direct references (no DOM queries per frame).
        self.bar = ApprovalBar()
        self.plan_tree = PlanTree(session)
        self.task_detail = TaskDetail(session)
        self.stream = PlanStream()
        self.connecting = ConnectingSpinner(lambda: self.stream.chars > 0, id="plan-connecting")

    def compose(self) -> ComposeResult:
        yield self.bar
        with ContentSwitcher(initial="plan-empty", id="plan-switcher"):
            yield Static("Loading PLAN.md…", id="plan-empty", classes="empty-state")
            with Horizontal(id="plan-body"):
                yield self.plan_tree
                yield self.task_detail
            with Vertical(id="plan-live"):
                yield Static("", id="plan-live-title")
                yield self.connecting
                yield self.stream

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's rules decide (a task selected, a plan to review, no job running)."""
        return self.app.check_action(action, parameters)

    def action_approve_task(self) -> None:
        """a: approve the selected task."""
        self.post_message(ReviewKeyPressed("approved"))

    def action_skip_task(self) -> None:
        """s: skip (or un-skip) the selected task."""
        self.post_message(ReviewKeyPressed("skipped"))

    def action_edit_task(self) -> None:
        """e: edit the selected task in a form."""
        self.post_message(ReviewKeyPressed("edit"))

    def action_regenerate_with_feedback(self) -> None:
        """f: regenerate the plan with typed feedback."""
        self.post_message(ReviewKeyPressed("feedback"))

    @property
    def view(self) -> str:
        """The visible view's id."""
        return self.query_one(ContentSwitcher).current or ""

    def show_empty(self, text: str) -> None:
        """A hint instead of a plan (no PLAN.md, a broken one, loading)."""
        self.connecting.stop()
        self.query_one("#plan-empty", Static).update(text)
        self.query_one(ContentSwitcher).current = "plan-empty"

    def show_plan(self) -> None:
        """The session's plan as a tree, with the detail of the selected task."""
        self.connecting.stop()
        self.plan_tree.show_plan()
        self.query_one(ContentSwitcher).current = "plan-body"

    def show_live(self, title: str) -> None:
        """The streaming view, cleared, for a new plan (or spec) answer."""
        self.query_one("#plan-live-title", Static).update(title)
        self.stream.begin()
        self.connecting.start()  # until the answer's first text
        self.query_one(ContentSwitcher).current = "plan-live"
