"""Edit one task's fields in place; the caller's check refuses an edit that breaks the plan."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from sago_tui.core.plan import Task
from sago_tui.tui.screens.field_error import FieldError

Check = Callable[[Task], str | None]
"""Returns why the edited task cannot be saved (the validator's message), or None."""
_SPLIT = re.compile(r"[,\n]")


def split_list(text: str) -> list[str]:
    """``a, b`` or one per line → ``["a", "b"]`` (the plan's own list syntax)."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class TaskEditScreen(ModalScreen[Task | None]):
    """A form for ``task``; ctrl+s saves (if ``check`` allows it), Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, task: Task, check: Check, *, blink: bool = True) -> None:
        super().__init__(classes="modal")
        self.task_data = task
        self.check = check
        self.blink = blink

    def compose(self) -> ComposeResult:
        task = self.task_data
        with VerticalScroll(classes="dialog form", id="task-form"):
            yield Static(f"Edit task {task.id}", classes="dialog-title", markup=False)
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
            yield FieldError(id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save to PLAN.md", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the first field; no blinking cursor when the app asks for none."""
        for widget in self.query(Input):
            widget.cursor_blink = self.blink
        self.query_one("#field-action", TextArea).cursor_blink = self.blink
        self.query_one(".dialog").border_subtitle = "ctrl+s saves · Esc cancels"
        self.query_one("#field-name", Input).focus()

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

    def action_save(self) -> None:
        """Save if the plan stays valid; otherwise show why and keep the form open."""
        task = self.edited()
        problem = self.check(task)
        if problem:
            self.query_one("#edit-error", FieldError).show(f"Not saved: {problem}")
            self.add_class("-invalid")
            return
        self.dismiss(task)

    def action_cancel(self) -> None:
        """Close without changing PLAN.md."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or Cancel."""
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
