"""The line above the plan that says the spec changed since PLAN.md was made (DESIGN.md §11)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from sago_tui.core.drift import SpecDrift


class DriftBanner(Static):
    """Hidden while the spec matches PLAN.md's snapshot; otherwise names each change."""

    DEFAULT_CSS = """
    DriftBanner {
        height: auto;
        padding: 0 1;
        background: $warning 20%;
        color: $text;
        display: none;
        &.-drift { display: block; }
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="drift-banner")
        self.summary = ""

    def show_drift(self, drift: SpecDrift | None) -> None:
        """Show ``drift`` (None or no change hides the banner)."""
        self.summary = drift.summary() if drift else ""
        self.set_class(bool(self.summary), "-drift")
        if not self.summary:
            self.update("")
            return
        self.update(
            Content.assemble(
                ("⚠ Spec changed since PLAN.md: ", "bold"),
                self.summary,
                " — ",
                ("u", "bold reverse"),
                " updates the plan, keeping unaffected tasks",
            )
        )
