"""The plan as a tree: phases → tasks, one status icon per task.

Labels are drawn from the session when a line is rendered, so a status change only
refreshes that node's line (``refresh_tasks``); the tree is rebuilt only when the plan
itself changes. Colours come from component classes styled in app.tcss.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sago_tui.tui.formatting import STATUS_ICONS, icon
from sago_tui.tui.task_views import Session

PHASE_PREFIX = "phase:"
DONE = frozenset({"passed", "cached"})


class PlanTree(Tree[str]):
    """Phases and tasks of the session's plan; node data is a task id or ``phase:<n>``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *Tree.COMPONENT_CLASSES,
        *(f"plan-tree--{status}" for status in STATUS_ICONS),
        "plan-tree--id",
        "plan-tree--count",
        "plan-tree--warning",
    }

    def __init__(self, session: Session) -> None:
        super().__init__("PLAN.md", id="plan-tree")
        self.session = session
        self.show_root = False
        self.guide_depth = 3
        self._task_nodes: dict[str, TreeNode[str]] = {}

    def notify_style_update(self) -> None:
        """Redraw the lines in their new colours without a layout.

        Tree's own version re-lays out the whole screen after any style change, focus
        moving in or out included, so each tab switch of a busy run paid a second layout.
        A style change that affects size is laid out by Textual itself.
        """
        super(Tree, self).notify_style_update()
        self._clear_line_cache()
        self.refresh()

    def show_plan(self) -> None:
        """Rebuild the tree from the session's plan, keeping the cursor on the same task."""
        keep = self.selected_task_id
        self.clear()
        self._task_nodes = {}
        plan = self.session.plan
        for index, phase in enumerate(plan.phases if plan else []):
            branch = self.root.add(phase.name, data=f"{PHASE_PREFIX}{index}", expand=True)
            for task in phase.tasks:
                self._task_nodes[task.id] = branch.add_leaf(task.id, data=task.id)
        target = self._task_nodes.get(keep or "") or next(iter(self._task_nodes.values()), None)
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)

    def refresh_tasks(self, task_ids: set[str]) -> None:
        """Redraw the lines of ``task_ids`` and of their phases."""
        parents: set[int] = set()
        for task_id in task_ids:
            node = self._task_nodes.get(task_id)
            if node is not None:
                node.refresh()
                if node.parent is not None and node.parent.id not in parents:
                    parents.add(node.parent.id)
                    node.parent.refresh()

    @property
    def selected_task_id(self) -> str | None:
        """The task under the cursor (None on a phase or an empty tree)."""
        node = self.cursor_node
        if node is None or node.data is None or node.data.startswith(PHASE_PREFIX):
            return None
        return node.data

    def label_of(self, task_id: str) -> str:
        """The plain text of a task's line (icon, id, name)."""
        node = self._task_nodes[task_id]
        return self.render_label(node, Style(), Style()).plain

    def select_task(self, task_id: str) -> None:
        """Move the cursor to ``task_id``."""
        node = self._task_nodes.get(task_id)
        if node is not None:
            self.move_cursor(node)

    def advance(self) -> None:
        """Move the cursor to the task after the selected one."""
        ids = list(self._task_nodes)
        current = self.selected_task_id
        if current in ids and ids.index(current) + 1 < len(ids):
            self.select_task(ids[ids.index(current) + 1])

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"plan-tree--{name}", partial=True)

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """Task: icon, id, name (and ⚠ for warnings); phase: name and done/total."""
        data = node.data or ""
        view = self.session.tasks.get(data)
        if view is not None:
            status = view.status
            label = Text.assemble(
                (icon(status), self._style(status)),
                " ",
                (view.task.id, self._style("id")),
                " ",
                view.task.name,
            )
            if self.session.warnings_for(view.task.id):
                label.append(" ⚠", self._style("warning"))
        else:
            label = Text(str(node.label))
            children = [c.data for c in node.children if c.data]
            if children:
                done = sum(
                    1
                    for c in children
                    if c in self.session.tasks and self.session.tasks[c].status in DONE
                )
                label.append(f"  {done}/{len(children)}", self._style("count"))
        label.stylize(style)
        if node.allow_expand:
            toggle = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((toggle, base_style), label)
        return label
