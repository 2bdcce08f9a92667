"""Edit one task's fields in place; the caller's check refuses an edit that breaks the plan."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from sago_tui.core.plan import Task
from sago_tui.tui.screens.field_error import FieldError
from sago_tui.tui.screens.form_screen import FormScreen

Check = Callable[[Task], str | None]
"""Returns why the edited task cannot be saved (the validator's message), or None."""
_SPLIT = re.compile(r"[,\n]")


def split_list(text: str) -> list[str]:
    """``a, b`` or one per line → ``["a", "b"]`` (the plan's own list syntax)."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class TaskEditScreen(FormScreen[Task]):
    """A form for ``task``; ctrl+s saves (if ``check`` allows it), Escape cancels."""

    FIRST_FIELD = "#field-name"
    ENTER_SUBMITS = False

    def __init__(self, task: Task, check: Check) -> None:
        super().__init__()
        self.task_data = task
        self.check = check

    def compose(self) -> ComposeResult:
        task = self.task_data
        with Vertical(classes="dialog form"):
            yield Static(f"Edit task {task.id}", classes="dialog-title", markup=False)
            yield from self._fields(task)
            yield FieldError(id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save to PLAN.md", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _fields(self, task: Task) -> ComposeResult:
        """The fields, scrolling between the fixed title and buttons."""
        with VerticalScroll(id="task-form", classes="form-body"):
            yield Label("Name")
            yield Input(task.name, compact=True, id="field-name")
            yield Label("Files (comma separated)")
            yield Input(", ".join(task.files), compact=True, id="field-files")
            yield Label("Depends on (task ids, comma separated)")
            yield Input(", ".join(task.depends_on), compact=True, id="field-depends")
            yield Label("Action")
            yield TextArea(task.action, id="field-action", soft_wrap=True)
            yield Label("Verify (shell command)")
            yield Input(task.verify, compact=True, id="field-verify")
            yield Label("Done when")
            yield Input(task.done, compact=True, id="field-done")

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value.strip()

    def edited(self) -> Task:
        """The task as the form describes it."""
        return dataclasses.replace(
            self.task_data,
            name=self._value("name"),
            files=split_list(self._value("files")),
            depends_on=split_list(self._value("depends")),
            action=self.query_one("#field-action", TextArea).text.strip(),
            verify=self._value("verify"),
            done=self._value("done"),
        )

    def action_submit(self) -> None:
        """Save if the plan stays valid; otherwise show why and keep the form open."""
        task = self.edited()
        problem = self.check(task)
        if problem:
            self.query_one("#edit-error", FieldError).show(f"Not saved: {problem}")
            self.add_class("-invalid")
            return
        self.dismiss(task)
