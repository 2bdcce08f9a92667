"""The bar above the plan tree: what the plan's approval state is and which keys act on it."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from sago_tui.core.approval import ApprovalStatus


class ApprovalBar(Static):
    """One line; its ``-<state>`` class (``-pending``, ``-approved``…) sets the colours."""

    def __init__(self) -> None:
        super().__init__("", id="approval-bar")
        self.state = "none"

    def _set(self, state: str, content: Content | str) -> None:
        self.remove_class(f"-{self.state}")
        self.state = state
        self.add_class(f"-{state}")
        self.update(content)

    def show_pending(self, skipped: int) -> None:
        """The run is waiting for this plan to be approved."""
        note = f" ({skipped} skipped)" if skipped else ""
        self._set(
            "pending",
            Content.assemble(
                ("◆ Plan awaiting approval" + note, "bold"),
                " — press ",
                ("A", "bold reverse"),
                " to approve all and run · a approve · s skip · e edit · f feedback · x stop",
            ),
        )

    def show_status(self, status: ApprovalStatus | None) -> None:
        """Not waiting: show what ``.planning/approval.json`` says about PLAN.md."""
        if status is None:
            self._set("none", "")
        elif status.valid and status.approval is not None:
            approval = status.approval
            when = approval.approved_at.replace("T", " ")[:16]
            note = f", {len(approval.skipped)} skipped" if approval.skipped else ""
            text = f"✔ PLAN.md approved {when} by {approval.approved_by}{note} — r runs it"
            self._set("approved", text)
        elif status.approval is not None:
            self._set("stale", f"⚠ {status.reason}")
        else:
            self._set(
                "unapproved",
                "PLAN.md is not approved yet — review it, then A approves all and runs",
            )
