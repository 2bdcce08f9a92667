"""Applying a frame's worth of drained events to the session and the widgets.

Called by the app at most ~30 times a second inside ``batch_update()``. Each widget
gets one batched call per frame, and only rows of tasks that changed are redrawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sago_tui.core.events import Event, LLMDelta, LLMRequested, PlanApproved
from sago_tui.tui.messages import ApprovalRecorded
from sago_tui.tui.ui_state import Phase

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp


class Dispatcher:
    """Routes events to the session, Feed, Log, plan tree, cost table and header."""

    def __init__(self, app: SagoApp) -> None:
        self.app = app
        self.drafted_chars = 0

    def __call__(self, events: list[Event]) -> None:
        app, session = self.app, self.app.session
        changed: set[str] = set()
        streamed: list[str] = []
        app.history.before_events(events)  # wiring: a new job replaces a past run's views
        for event in events:
            task_id = session.apply(event)
            if task_id is not None:
                changed.add(task_id)
            if event.task_id is not None:
                continue
            if isinstance(event, LLMRequested) and event.purpose == "plan":
                if app.phase != Phase.DRAFTING:
                    app.phase = Phase.PLANNING
                    if app.plan_pane.view != "plan-live":
                        app.plan_pane.show_live("Generating PLAN.md…")
                    streamed.clear()
            elif isinstance(event, LLMDelta):
                streamed.append(event.text)
            elif isinstance(event, PlanApproved):
                app.post_message(ApprovalRecorded())  # the approval bar must say so
        if streamed:
            self._stream("".join(streamed))
        app.log_pane.event_log.add_events(events)
        app.log_pane.note_events()
        app.feed.add_events(events)
        if changed:
            app.feed.refresh_cards(changed)
            app.plan_tree.refresh_tasks(changed)
            app.cost_table.update_tasks(changed)
            if app.task_detail.task_id in changed:
                app.task_detail.show(app.task_detail.task_id)
        app.header.show(session)

    def _stream(self, text: str) -> None:
        """Streamed text of a call with no task: the plan (or the drafted spec)."""
        app = self.app
        if app.phase == Phase.DRAFTING:
            self.drafted_chars += len(text)
            app.say(f"Drafting PROJECT.md and REQUIREMENTS.md… {self.drafted_chars:,} characters")
            return
        app.plan_pane.stream.append(text)
