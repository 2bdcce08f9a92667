"""The Plan tab: approval bar, then the tree and detail, the streaming answer, or a hint."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Static

from sago_tui.tui.session import Session
from sago_tui.tui.widgets.approval_bar import ApprovalBar
from sago_tui.tui.widgets.drift_banner import DriftBanner
from sago_tui.tui.widgets.plan_stream import PlanStream
from sago_tui.tui.widgets.plan_tree import PlanTree
from sago_tui.tui.widgets.task_detail import TaskDetail


class PlanPane(Vertical):
    """Switches between ``plan-empty``, ``plan-body`` and ``plan-live`` views."""

    def __init__(self, session: Session) -> None:
        super().__init__(id="plan-pane")
        self.session = session
        # Built here so the app holds direct references (no DOM queries per frame).
        self.bar = ApprovalBar()
        self.drift_banner = DriftBanner()
        self.plan_tree = PlanTree(session)
        self.task_detail = TaskDetail(session)
        self.stream = PlanStream()

    def compose(self) -> ComposeResult:
        yield self.drift_banner
        yield self.bar
        with ContentSwitcher(initial="plan-empty", id="plan-switcher"):
            yield Static("Loading PLAN.md…", id="plan-empty", classes="empty-state")
            with Horizontal(id="plan-body"):
                yield self.plan_tree
                yield self.task_detail
            with Vertical(id="plan-live"):
                yield Static("", id="plan-live-title")
                yield self.stream

    @property
    def view(self) -> str:
        """The visible view's id."""
        return self.query_one(ContentSwitcher).current or ""

    def show_empty(self, text: str) -> None:
        """A hint instead of a plan (no PLAN.md, a broken one, loading)."""
        self.query_one("#plan-empty", Static).update(text)
        self.query_one(ContentSwitcher).current = "plan-empty"

    def show_plan(self) -> None:
        """The session's plan as a tree, with the detail of the selected task."""
        self.plan_tree.show_plan()
        self.query_one(ContentSwitcher).current = "plan-body"

    def show_live(self, title: str) -> None:
        """The streaming view, cleared, for a new plan (or spec) answer."""
        self.query_one("#plan-live-title", Static).update(title)
        self.stream.begin()
        self.query_one(ContentSwitcher).current = "plan-live"
