"""The Spec tab: PROJECT.md, REQUIREMENTS.md and IMPORTANT.md in markdown editors."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane
from textual.widgets._tabbed_content import ContentTabs

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.project import SPEC_FILES, Project
from sago_tui.tui.messages import SpecModified, SpecSaved
from sago_tui.tui.widgets.spec_text_area import SpecTextArea

UNSAVED_MARK = " ●"


def pane_id(name: str) -> str:
    """The TabPane id of a spec file."""
    return "pane-" + name.split(".")[0].lower()


class SpecEditor(Vertical):
    """One tab per spec file; ctrl+s saves the visible one."""

    def __init__(self, *, highlight: bool = True) -> None:
        super().__init__(id="spec-editor")
        self._highlight = highlight

    def compose(self) -> ComposeResult:
        with TabbedContent(id="spec-tabs"):
            for name in SPEC_FILES:
                with TabPane(name, id=pane_id(name)):
                    yield SpecTextArea(name, highlight=self._highlight)
        yield Static(
            "[b $accent]ctrl+s[/] save  ·  [b $accent]esc[/] leave the editor  ·  "
            "[b $accent]d[/] draft the spec from a one-line description (outside the editor)",
            id="spec-help",
        )

    @property
    def editors(self) -> list[SpecTextArea]:
        """The three editors, in SPEC_FILES order."""
        return list(self.query(SpecTextArea))

    def editor(self, name: str) -> SpecTextArea:
        """The editor of one spec file."""
        return next(e for e in self.editors if e.file_name == name)

    @property
    def file_tabs(self) -> ContentTabs:
        """The row of file tabs (←→ switch files, Tab enters the editor)."""
        return self.query_one("#spec-tabs", TabbedContent).get_child_by_type(ContentTabs)

    @property
    def current(self) -> SpecTextArea:
        """The editor of the visible tab."""
        active = self.query_one("#spec-tabs", TabbedContent).active
        return next(e for e in self.editors if pane_id(e.file_name) == active)

    def load(self, specs: dict[str, str | None], *, keep_unsaved: bool = True) -> None:
        """Show the files' contents; editors with unsaved edits keep them unless told not to."""
        for editor in self.editors:
            if keep_unsaved and editor.unsaved:
                continue
            editor.load(specs.get(editor.file_name))

    def unsaved_names(self) -> list[str]:
        """Files with edits not yet written to disk."""
        return [e.file_name for e in self.editors if e.unsaved]

    def save(self, project: Project, name: str | None = None) -> str:
        """Write one spec file (the visible one by default) atomically; returns its name."""
        editor = self.current if name is None else self.editor(name)
        text = editor.text
        if text and not text.endswith("\n"):
            text += "\n"  # files end with a newline, like every editor writes them
        atomic_write_text(project.spec_path(editor.file_name), text)
        editor.mark_saved()  # an added final newline is on disk only: not an edit
        self.post_message(SpecSaved(editor.file_name))
        return editor.file_name

    def on_spec_modified(self, message: SpecModified) -> None:
        """Put a ● after the name of a file with unsaved edits."""
        tabs = self.query_one("#spec-tabs", TabbedContent)
        tab = tabs.get_tab(pane_id(message.name))
        tab.label = message.name + (UNSAVED_MARK if message.unsaved else "")
        tab.set_class(message.unsaved, "-unsaved")
