"""The run picker (``p``): the project's past runs, newest first; Enter shows one.

The list comes from ``.planning/traces/`` (:func:`~sago_tui.core.trace.list_runs` reads
only each trace's first and last lines). Choosing a run dismisses with its trace path;
the app then shows it read-only in the Feed, Log and Cost tab.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sago_tui.core.trace import RunSummary
from sago_tui.tui.formatting import money, tokens

EMPTY = "No past runs in .planning/traces/ yet: a run (r) or a plan (g) leaves one."
OUTCOME_STYLES = {"passed": "$text-success", "interrupted": "$text-warning"}


def run_label(run: RunSummary, shown: bool) -> Content:
    """One line of the list: when, outcome, tasks, tokens and cost (``◀`` marks the one shown)."""
    when = run.started.replace("T", " ")[:16] or "(no start time)"
    outcome = OUTCOME_STYLES.get(run.outcome, "$text-error")
    counts = f"{run.passed}/{run.total_tasks} passed" if run.total_tasks else "no tasks"
    if run.failed:
        counts += f", {run.failed} failed"
    return Content.assemble(
        (when, "bold"), "  ", (f"{run.outcome[:16]:<16}", outcome), " ",
        f"{counts:<20} {tokens(run.total_tokens):>8} tok {money(run.cost_usd):>8}",
        (" ◀ shown" if shown else "", "$text-accent"),
    )  # fmt: skip


class RunPickerScreen(ModalScreen[Path | None]):
    """Pick a past run; dismisses with its trace file (None: Escape)."""

    DEFAULT_CSS = """
    RunPickerScreen OptionList { height: auto; max-height: 24; border: none; padding: 0; }
    RunPickerScreen #runs-empty { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Close")]

    def __init__(self, runs: list[RunSummary], shown: Path | None = None) -> None:
        super().__init__(classes="modal")
        self.runs = runs
        self.shown = shown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog runs"):
            yield Static("Past runs — read-only in the Feed, Log and Cost tab",
                         classes="dialog-title", markup=False)  # fmt: skip
            if self.runs:
                options = [Option(run_label(run, run.path == self.shown), id=str(index))
                           for index, run in enumerate(self.runs)]  # fmt: skip
                yield OptionList(*options, id="runs-list")
            else:
                yield Static(EMPTY, id="runs-empty", markup=False)

    def on_mount(self) -> None:
        """Focus the list on the newest run."""
        dialog = self.query_one(".dialog")
        dialog.styles.width = 100  # one line per run (the app's dialogs are 76 wide)
        dialog.border_subtitle = "↑↓ choose · Enter shows the run · Esc closes"
        if self.runs:
            runs = self.query_one("#runs-list", OptionList)
            runs.highlighted = 0
            runs.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a run: show it."""
        event.stop()
        self.dismiss(self.runs[int(event.option.id or 0)].path)

    def action_cancel(self) -> None:
        """Escape: keep what is shown."""
        self.dismiss(None)
