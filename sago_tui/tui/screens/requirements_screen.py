"""Requirements at a glance: each one's tasks and whether it is done (DESIGN.md §11).

Built from REQUIREMENTS.md, the plan's ``reqs=`` and the tasks' statuses as the app
shows them (a cached task counts as passed). Esc closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from sago_tui.core.traceability import RequirementStatus

_TINTS = {"passed": "$text-success", "failed": "$text-error", "skipped": "$text-muted",
          "pending": "$text-muted"}  # fmt: skip


def requirements_content(rows: list[RequirementStatus]) -> Content:
    """One line per requirement, then its tasks with their status."""
    if not rows:
        return Content(
            "No requirements to trace: REQUIREMENTS.md has no `**REQ-N:**` lines, or no task "
            'of PLAN.md names one with reqs="REQ-1, …".'
        )
    parts: list[Content | str | tuple[str, str]] = []
    for row in rows:
        mark, tint = ("✓", "$text-success") if row.done else ("·", "$text-muted")
        parts += [(f"{mark} ", tint), (row.id, "bold $text-accent"), f"  {row.text}\n"]
        if not row.tasks:
            parts.append(("    no task covers it\n", "$text-warning"))
        for task_id, status in row.tasks:
            parts += [f"    {task_id} ", (f"{status}\n", _TINTS.get(status, ""))]
    return Content.assemble(*parts)


class RequirementsScreen(ModalScreen[None]):
    """Per requirement: done or not, and the tasks that serve it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,t", "close", "Close")]
    DEFAULT_CSS = """
    RequirementsScreen .dialog.requirements { width: 100; height: 80%; }
    RequirementsScreen #requirements-body { height: 1fr; }
    """

    def __init__(self, rows: list[RequirementStatus]) -> None:
        super().__init__(classes="modal")
        self.rows = rows

    def compose(self) -> ComposeResult:
        done = sum(1 for row in self.rows if row.done)
        with Vertical(classes="dialog requirements"):
            yield Static(f"Requirements: {done}/{len(self.rows)} done", classes="dialog-title",
                         markup=False)  # fmt: skip
            with VerticalScroll(id="requirements-body"):
                yield Static(requirements_content(self.rows), id="requirements-text")

    def on_mount(self) -> None:
        """Say how to leave."""
        self.query_one(".dialog").border_subtitle = "Esc closes"

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)
