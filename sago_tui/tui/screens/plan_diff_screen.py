"""Reviewing a plan update: added, changed, removed and kept tasks, then apply or keep.

``y``/Enter applies the update (PLAN.md is replaced), ``n``/Esc keeps the current
plan; the proposal is then saved under ``.planning/raw/``. Nothing the LLM wrote is
read as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sago_tui.core.plan_diff import ADDED, CHANGED, KEPT, REMOVED, PlanDiff
from sago_tui.core.plan_update import PlanUpdate

_MARKS = {ADDED: ("+", "$text-success"), CHANGED: ("~", "$text-warning"),
          REMOVED: ("-", "$text-error"), KEPT: ("=", "$text-muted")}  # fmt: skip


def diff_content(diff: PlanDiff) -> Content:
    """The diff as styled text: one line per task, changed fields as - / + lines."""
    parts: list[Content | str | tuple[str, str]] = []
    for change in diff.tasks:
        mark, style = _MARKS[change.kind]
        parts += [(f"{mark} {change.task_id} {change.kind}", f"bold {style}"), f"  {change.name}\n"]
        for field in change.fields:
            parts.append((f"    {field.field}\n", "$text-accent"))
            for line in field.diff_lines():
                tint = {"-": "$text-error", "+": "$text-success"}.get(line[:1], "$text-muted")
                parts.append((f"      {line}\n", tint))
    if diff.leftover_files:
        parts.append(
            ("\nFiles of removed tasks stay on disk (delete them yourself if unwanted): ", "bold")
        )
        parts.append(", ".join(diff.leftover_files) + "\n")
    return Content.assemble(*parts)


class PlanDiffScreen(ModalScreen[bool]):
    """The plan diff of ``update``; dismisses True to apply it, False to keep PLAN.md."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "apply", "Apply update"),
        Binding("n,escape", "keep", "Keep current plan"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]
    DEFAULT_CSS = """
    PlanDiffScreen .dialog.plan-diff { width: 110; height: 90%; }
    PlanDiffScreen #plan-diff-body { height: 1fr; border: round $surface; padding: 0 1; }
    PlanDiffScreen #plan-diff-warnings { color: $text-warning; height: auto; }
    """

    def __init__(self, update: PlanUpdate) -> None:
        super().__init__(classes="modal")
        self.update_proposal = update

    def compose(self) -> ComposeResult:
        update = self.update_proposal
        with Vertical(classes="dialog plan-diff"):
            yield Static(f"Plan update: {update.diff.summary()}", classes="dialog-title",
                         markup=False)  # fmt: skip
            yield Static(f"Spec changes: {update.drift.summary()}", classes="dialog-text",
                         markup=False)  # fmt: skip
            with VerticalScroll(id="plan-diff-body"):
                yield Static(diff_content(update.diff), id="plan-diff-text")
            if update.warnings:
                text = "\n".join(f"warning: {w}" for w in update.warnings)
                yield Static(text, id="plan-diff-warnings", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (y)", id="apply", variant="primary")
                yield Button("Keep PLAN.md (n)", id="keep", variant="default")

    def on_mount(self) -> None:
        """Focus Apply, so Enter applies; the kept tasks keep their cached results."""
        dialog = self.query_one(".dialog")
        dialog.border_title = "Review the plan update"
        dialog.border_subtitle = "y / Enter applies · n / Esc keeps PLAN.md"
        self.query_one("#apply", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply or keep, by button."""
        event.stop()
        self.dismiss(event.button.id == "apply")

    def action_apply(self) -> None:
        """Replace PLAN.md with the update."""
        self.dismiss(True)

    def action_keep(self) -> None:
        """Keep PLAN.md as it is."""
        self.dismiss(False)
