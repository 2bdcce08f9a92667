"""The detail panel beside the plan tree: every field of the selected task."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sago_tui.tui.formatting import STATUS_COLOURS, duration, icon, money, tokens
from sago_tui.tui.task_views import Session, TaskView

EMPTY = "Select a task in the tree to see its files, action, verify command and warnings."
SECTIONS = (
    ("files", "Files"),
    ("action", "Action"),
    ("verify", "Verify"),
    ("done", "Done when"),
    ("warnings", "Warnings"),
    ("error", "Last error"),
    ("cost", "Cost"),
)


class TaskDetail(VerticalScroll):
    """Shows one task of the session (or a hint when none is selected)."""

    def __init__(self, session: Session) -> None:
        super().__init__(id="task-detail")
        self.session = session
        self.task_id: str | None = None
        self._head_widget = Static(EMPTY, id="detail-head")
        self._shown: dict[str, str | Content] = {}
        self._head_task: str | None = None
        self._sections = {
            key: (Static(title, classes="detail-section"),
                  Static("", id=f"detail-{key}", classes="detail-body", markup=False))
            for key, title in SECTIONS
        }  # fmt: skip

    def compose(self) -> ComposeResult:
        yield self._head_widget
        for title, body in self._sections.values():
            yield title
            yield body

    def _section(self, key: str, body: str | Content) -> None:
        """Update one section; re-lay out only if it appears, disappears or changes size."""
        title, widget = self._sections[key]
        old = self._shown.get(key)
        if old is not None and _same(old, body):
            return  # the detail is refreshed on every event of the task: skip no-ops
        self._shown[key] = body
        shown = bool(body)
        # The one-line cost summary changes with every LLM call of a running task; the
        # other sections change rarely and may change height.
        relayout = title.display != shown or key != "cost" or old is None
        title.display = widget.display = shown
        widget.update(body, layout=relayout)

    def show(self, task_id: str | None) -> None:
        """Describe ``task_id`` (None: the empty hint)."""
        self.task_id = task_id
        view = self.session.tasks.get(task_id or "")
        if view is None:
            self._head_widget.update(EMPTY)
            self._head_task = None
            for key, _ in SECTIONS:
                self._section(key, "")
            return
        # The header is always two lines: same task, same height, no re-layout.
        self._head_widget.update(self._head(view), layout=self._head_task != task_id)
        self._head_task = task_id
        task = view.task
        self._section("files", "\n".join(task.files) or "—")
        self._section("action", task.action or "—")
        verify = Content.styled(task.verify, "$text-success") if task.verify else "— (none)"
        self._section("verify", verify)
        self._section("done", task.done or "—")
        warnings = "\n".join(f"⚠ {w.message}" for w in self.session.warnings_for(task.id))
        self._section("warnings", Content.styled(warnings, "$text-warning") if warnings else "")
        error = view.error if view.status in ("failed", "skipped") else ""
        self._section("error", Content.styled(error, "$text-error") if error else "")
        self._section("cost", self._cost_line(view))

    def _head(self, view: TaskView) -> Content:
        task, status = view.task, view.status
        colour = f"${STATUS_COLOURS[status]}"
        parts: list[tuple[str, str] | str] = [
            (task.id, "bold $accent"), "  ", (task.name, "bold"), "\n",
            (f"{icon(status)} {status.replace('_', ' ')}", colour),
            ("  ·  ", "$text-muted"), (task.phase or "no phase", "$text-muted"),
        ]  # fmt: skip
        if task.depends_on:
            parts += [("  ·  depends on ", "$text-muted"), ", ".join(task.depends_on)]
        if view.mark:
            parts += [("  ·  review: ", "$text-muted"), view.mark]
        return Content.assemble(*parts)

    def _cost_line(self, view: TaskView) -> str:
        estimate = money(view.estimate) if view.estimate is not None else "not estimated yet"
        line = f"estimate {estimate}"
        if view.tokens or view.attempts:
            line += f" · actual {tokens(view.tokens)} tok {money(view.cost)}"
        if view.attempts:
            line += f" · {view.attempts} attempt{'s' if view.attempts != 1 else ''}"
        if view.duration:
            line += f" · {duration(view.duration)}"
        return line


def _same(a: str | Content, b: str | Content) -> bool:
    """Equal text and styling."""
    if isinstance(a, Content) and isinstance(b, Content):
        return a.is_same(b)
    return type(a) is type(b) and a == b
