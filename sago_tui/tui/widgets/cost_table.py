"""The Cost tab: the dry-run estimate per task and phase beside the actual spend, and the budget.

The estimate is computed in a worker after the plan loads; actual tokens and cost come
from ``llm_call``/``task_end`` events. Only the rows of changed tasks are updated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sago_tui.tui.formatting import STATUS_ICONS, cached_note, icon, money, tokens
from sago_tui.tui.task_views import Session

if TYPE_CHECKING:  # the estimator's modules load after the first frame
    from sago_tui.core.dry_run import RunEstimate

COLUMNS = (("task", "Task"), ("name", "Name"), ("est_tok", "Est. tokens"), ("est", "Est. cost"),
           ("tok", "Tokens"), ("cost", "Cost"), ("status", "Status"))  # fmt: skip
# Fixed widths: cells are updated in place every frame, and re-measuring whole columns
# (DataTable's update_width) costs far more than the update itself.
WIDTHS = {"task": 6, "est_tok": 11, "est": 10, "tok": 9, "cost": 9, "status": 12}
NUMERIC = frozenset({"est_tok", "est", "tok", "cost"})
# Every column but Name has a fixed width; Name gets what is left of the pane (cells are
# padded by 1 on each side; the last 4 cover the scrollbar and the focus bar).
FIXED_WIDTH = sum(WIDTHS.values()) + 2 * len(COLUMNS) + 4
MIN_NAME = 12
TOTAL = "total"


class CostTable(Vertical):
    """Estimate and actual per task, subtotals per phase, totals and the budget line."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"cost--{s}" for s in STATUS_ICONS} | {"cost--sum"}

    def __init__(self, session: Session) -> None:
        super().__init__(id="cost-pane")
        self.session = session
        self.estimate: RunEstimate | None = None
        self.max_cost: float | None = None
        self.note = "Estimating…"
        self.no_budget = "no budget (set max cost with ctrl+e)"
        self._dirty: set[str] = set()
        self._stale = False  # the plan changed while the tab was hidden
        self.name_width = 60  # Name's share of the width (narrow terminals keep Status)

    def compose(self) -> ComposeResult:
        yield Static("No plan to estimate yet — press g to generate it.", id="cost-empty",
                     classes="empty-state")  # fmt: skip
        table: DataTable[Text] = DataTable(id="cost-table", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            header = Text(label, justify="right" if key in NUMERIC else "left")
            table.add_column(header, key=key, width=WIDTHS.get(key))
        yield table
        yield Static("", id="cost-summary", markup=False)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#cost-table", DataTable)

    def show_plan(self) -> None:
        """Rebuild the rows for the session's plan (when the tab is next shown, if hidden:
        measuring thousands of new rows costs a DataTable a second or more)."""
        if not self.is_on_screen:
            self._stale = True
            return
        self._stale = False
        table = self.table
        table.clear()
        plan = self.session.plan
        self.set_class(plan is not None and bool(plan.tasks), "-has-plan")
        for phase in plan.phases if plan else []:
            table.add_row(*self._phase_cells(phase.name), key=f"phase:{phase.name}")
            for task in phase.tasks:
                table.add_row(*self._task_cells(task.id), key=task.id)
        if plan is not None:
            table.add_row(*self._total_cells(), key=TOTAL)
        self._summary()

    def show_estimate(self, estimate: RunEstimate | None, error: str = "") -> None:
        """Store the estimate in the session and redraw every row."""
        self.estimate = estimate
        self.note = f"Estimate failed: {error}" if error else ""
        for row in estimate.rows if estimate else []:
            view = self.session.tasks.get(row.task_id)
            if view is not None:
                view.estimate = row.cost_usd
                view.est_tokens = row.input_tokens + row.output_tokens
        self.show_plan()

    def on_mount(self) -> None:
        """Apply row changes at most twice a second (and at once when the tab is shown)."""
        self.set_interval(0.5, self._flush)

    def on_resize(self) -> None:
        """Long task names are shortened so every number and the status still fit."""
        width = max(MIN_NAME, self.size.width - FIXED_WIDTH)
        if width != self.name_width:
            self.name_width = width
            if self.is_on_screen:
                self.show_plan()
            else:
                self._stale = True

    def _name_cell(self, text: str, style: str | Style = "") -> Text:
        name = Text(text, style=style, no_wrap=True)
        name.truncate(self.name_width, overflow="ellipsis")
        return name

    def on_show(self) -> None:
        if self._stale:
            self.show_plan()
        self._flush()

    def update_tasks(self, task_ids: set[str]) -> None:
        """Mark rows to redraw: a DataTable re-renders after every change, so changes
        are batched (a run changes rows every frame; nobody reads costs at 30 Hz)."""
        self._dirty |= task_ids

    def _flush(self) -> None:
        if not self.is_on_screen:
            return  # hidden: the rows are redrawn when the tab is shown
        task_ids, self._dirty = self._dirty, set()
        if task_ids:
            self._apply(task_ids)

    def _apply(self, task_ids: set[str]) -> None:
        """Redraw the rows of changed tasks, their phases and the totals."""
        table = self.table
        phases: set[str] = set()
        for task_id in task_ids:
            view = self.session.tasks.get(task_id)
            if view is None or task_id not in table.rows:
                continue
            phases.add(view.task.phase)
            for (key, _), value in zip(COLUMNS, self._task_cells(task_id), strict=True):
                table.update_cell(task_id, key, value)
        for phase in phases:
            if f"phase:{phase}" in table.rows:
                for (key, _), value in zip(COLUMNS, self._phase_cells(phase), strict=True):
                    table.update_cell(f"phase:{phase}", key, value)
        if task_ids and TOTAL in table.rows:
            for (key, _), value in zip(COLUMNS, self._total_cells(), strict=True):
                table.update_cell(TOTAL, key, value)
        self._summary()

    def _num(self, text: str, sum_row: bool = False) -> Text:
        style = self.get_component_rich_style("cost--sum", partial=True) if sum_row else ""
        return Text(text, justify="right", style=style)

    def _task_cells(self, task_id: str) -> list[Text]:
        view = self.session.tasks[task_id]
        status = view.status
        estimate = money(view.estimate) if self.estimate and view.estimate is not None else "…"
        if view.estimate is not None and view.estimate == 0 and self.estimate:
            estimate = "cached"
        return [
            Text("  " + task_id), self._name_cell(view.task.name),
            self._num(tokens(view.est_tokens) if self.estimate else "…"), self._num(estimate),
            self._num(tokens(view.tokens) if view.tokens else "-"),
            self._num(money(view.cost) if view.tokens else "-"),
            Text(f"{icon(status)} {status.replace('_', ' ')}",
                 style=self.get_component_rich_style(f"cost--{status}", partial=True)),
        ]  # fmt: skip

    def _sum_cells(self, label: str, name: str, ids: list[str]) -> list[Text]:
        views = [self.session.tasks[t] for t in ids if t in self.session.tasks]
        est = sum(v.estimate or 0.0 for v in views)
        spent = sum(v.cost for v in views)
        used = sum(v.tokens for v in views)
        known = self.estimate is not None and self.estimate.price_known
        done = sum(1 for v in views if v.status in ("passed", "cached"))
        style = self.get_component_rich_style("cost--sum", partial=True)
        return [
            Text(label, style=style), self._name_cell(name, style),
            self._num(tokens(sum(v.est_tokens for v in views)) if self.estimate else "…", True),
            self._num(money(est) if known else ("?" if self.estimate else "…"), True),
            self._num(tokens(used) if used else "-", True),
            self._num(money(spent) if used else "-", True),
            Text(f"{done}/{len(views)} done", style=style),
        ]  # fmt: skip

    def _phase_cells(self, phase: str) -> list[Text]:
        plan = self.session.plan
        ids = [t.id for p in (plan.phases if plan else []) if p.name == phase for t in p.tasks]
        return self._sum_cells("", phase, ids)

    def _total_cells(self) -> list[Text]:
        return self._sum_cells("Total", "", list(self.session.tasks))

    def _summary(self) -> None:
        parts = []
        if self.estimate is not None:
            known = self.estimate.price_known
            cost = sum(v.estimate or 0.0 for v in self.session.tasks.values()) if known else None
            exact = "" if self.estimate.exact_tokens else " (approximate token counts)"
            parts.append(f"estimate {money(cost)} with {self.estimate.model}{exact}")
            saving = self.estimate.cache_saving_usd
            if self.estimate.cacheable_tokens and saving:
                parts.append(f"prompt cache could save {money(saving)}")
        elif self.note:
            parts.append(self.note)
        used = f"{tokens(self.session.tokens)} tok{cached_note(self.session.cached_tokens)}"
        parts.append(f"spent {money(self.session.cost)} ({used})")
        if self.max_cost is None:
            parts.append(self.no_budget)
        else:
            share = f" · {self.session.cost / self.max_cost:.0%} used" if self.max_cost else ""
            parts.append(f"budget {money(self.max_cost)}{share}")
        # One fixed-height line, refreshed every frame of a run: no re-layout needed.
        self.query_one("#cost-summary", Static).update(" · ".join(parts), layout=False)
