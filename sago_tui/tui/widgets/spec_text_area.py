"""A markdown editor for one spec file that knows whether it has unsaved edits."""

from __future__ import annotations

from importlib.util import find_spec
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Tabs, TextArea

from sago_tui.tui.messages import SpecModified


def markdown_language() -> str | None:
    """``markdown`` when Textual's tree-sitter grammar is installed (``textual[syntax]``)."""
    try:
        return "markdown" if find_spec("tree_sitter_markdown") is not None else None
    except (ImportError, ValueError):
        return None


class SpecTextArea(TextArea):
    """Edits ``file_name``; the ``-unsaved`` class is set while the text differs from disk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave editor"),
    ]

    def __init__(self, file_name: str, *, highlight: bool = True) -> None:
        super().__init__(
            "",
            language=markdown_language() if highlight else None,
            soft_wrap=True,
            tab_behavior="focus",
            placeholder=f"{file_name} is empty — type here, then ctrl+s to save it",
            id="spec-" + file_name.split(".")[0].lower(),
        )
        self.file_name = file_name
        self.saved_text = ""
        self.exists = False
        self._was_unsaved = False

    def on_mount(self) -> None:
        """No blinking cursor when nobody watches (tests, snapshots): frames stay stable."""
        self.cursor_blink = not self.app.is_headless

    @property
    def unsaved(self) -> bool:
        """True when the editor's text differs from the file on disk."""
        return self.text != self.saved_text

    def load(self, text: str | None) -> None:
        """Show the file's content (None: it does not exist yet)."""
        self.exists = text is not None
        self.saved_text = text or ""
        self.load_text(self.saved_text)
        self._sync()

    def mark_saved(self) -> None:
        """The current text is now what is on disk."""
        self.saved_text = self.text
        self.exists = True
        self._sync()

    def action_leave(self) -> None:
        """Escape: give the keys back to the app (focus the main tabs)."""
        self.app.set_focus(self.app.query(Tabs).first())

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Keep the unsaved marker in step with every edit."""
        self._sync()

    def _sync(self) -> None:
        unsaved = self.unsaved
        if unsaved != self._was_unsaved:
            self._was_unsaved = unsaved
            self.set_class(unsaved, "-unsaved")
            self.post_message(SpecModified(self.file_name, unsaved))
