"""Editing and saving the spec: the unsaved marker, the file on disk, quitting with edits."""

from __future__ import annotations

from textual.widgets import TabbedContent

from sago_tui.core.project import Project
from sago_tui.tui.screens.confirm_screen import ConfirmScreen
from sago_tui.tui.widgets.spec_editor import pane_id
from sago_tui.tui.widgets.spec_text_area import SpecTextArea
from tests.tui.helpers import SIZE, loaded, make_app, wait_for


def tab_label(app: object, name: str) -> str:
    tabs = app.query_one("#spec-tabs", TabbedContent)  # type: ignore[attr-defined]
    return tabs.get_tab(pane_id(name)).label.plain


async def test_edit_save_and_unsaved_marker(demo_project: Project) -> None:
    """Typing marks PROJECT.md unsaved; ctrl+s writes it and clears the marker."""
    app = make_app(demo_project)
    original = demo_project.spec_path("PROJECT.md").read_text()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("1")
        editor = app.spec_editor.editor("PROJECT.md")
        assert editor.text == original and not editor.unsaved
        await pilot.click("#spec-project")
        await pilot.press(*"Draft ")
        await pilot.pause()
        assert editor.unsaved and editor.has_class("-unsaved")
        assert tab_label(app, "PROJECT.md") == "PROJECT.md ●"
        assert demo_project.spec_path("PROJECT.md").read_text() == original

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_project.spec_path("PROJECT.md").read_text() == "Draft " + original
        assert not editor.unsaved and not editor.has_class("-unsaved")
        assert tab_label(app, "PROJECT.md") == "PROJECT.md"

        await pilot.press("escape")  # leave the editor: single keys act on the app again
        assert not isinstance(app.focused, SpecTextArea)


async def test_quit_with_unsaved_edits_asks_first(demo_project: Project) -> None:
    """q with unsaved edits asks; Cancel keeps the app; Save and quit writes the file."""
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("1")
        await pilot.click("#spec-project")
        await pilot.press("X")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the unsaved warning")
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.return_code is None and app.spec_editor.unsaved_names() == ["PROJECT.md"]

        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the unsaved warning")
        await pilot.click("#save")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
    assert demo_project.spec_path("PROJECT.md").read_text().startswith("X# textstats")
