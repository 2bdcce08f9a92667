"""An empty folder is offered initialisation; a task is edited in place (and refused)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from sago_tui.commands.app_cmd import lock_for_app
from sago_tui.core.approval import check_approval, save_approval
from sago_tui.core.lock import ProjectLocked, project_lock
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.screens.init_screen import InitScreen
from sago_tui.tui.screens.task_edit_screen import TaskEditScreen
from sago_tui.tui.widgets.approval_bar import ApprovalBar
from tests.llm_server import FakeLLMServer, Reply, file_answer
from tests.tui.helpers import DATA, SIZE, loaded, make_app, wait_for


async def test_empty_folder_init_offer(tmp_path: Path) -> None:
    """The offer creates the spec files (named as typed) and opens them in the editor."""
    root = tmp_path / "newproj"
    root.mkdir()
    app = make_app(Project.at(root))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, InitScreen), "the init offer")
        assert app.phase == "setup"
        name = app.screen.query_one("#init-name", Input)
        assert name.value == "newproj"
        name.value = "New Project"
        await pilot.press("enter")  # in the (empty) description field: create, no draft
        await wait_for(pilot, lambda: app.snapshot.initialized, "the project files")
        await wait_for(pilot, lambda: app.phase == "idle", "the app to be ready")
        assert "New Project" in app.spec_editor.editor("PROJECT.md").text
    for name in ("PROJECT.md", "REQUIREMENTS.md", "IMPORTANT.md", "STATE.md", "sago.toml"):
        assert (root / name).is_file()
    assert not (root / "PLAN.md").exists()


async def test_declining_the_offer_quits_without_writing(tmp_path: Path) -> None:
    app = make_app(Project.at(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, InitScreen), "the init offer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
    assert list(tmp_path.iterdir()) == []


async def test_init_with_a_prompt_drafts_the_spec(
    tmp_path: Path, llm_server: FakeLLMServer, server_settings: Callable[[Project], Settings]
) -> None:
    """A one-line description: init, then Orchestrator.generate_spec in the worker."""
    root = tmp_path / "greeter"
    root.mkdir()
    project = Project.at(root)
    drafted = {"PROJECT.md": "# Greeter\n\nSays hello.\n",
               "REQUIREMENTS.md": "* [ ] **REQ-1:** greet the user\n"}  # fmt: skip
    llm_server.enqueue(Reply(content=file_answer(drafted)))
    app = make_app(project, server_settings(project))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, InitScreen), "the init offer")
        await pilot.press(*"a greeter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.engine.busy or app.phase == "idle", "drafting")
        await wait_for(pilot, lambda: not app.engine.busy, "the draft")
        await wait_for(pilot, lambda: "Says hello." in app.spec_editor.editor("PROJECT.md").text,
                       "the drafted spec in the editor")  # fmt: skip
    assert (root / "PROJECT.md").read_text() == drafted["PROJECT.md"]
    assert "a greeter" in llm_server.requests[0].prompt_text


async def test_edit_task_in_place_and_refuse_an_invalid_edit(planned_project: Project) -> None:
    """e opens the form; a valid edit rewrites PLAN.md and voids the approval."""
    text = planned_project.plan_path.read_text()
    save_approval(planned_project, text, approved_by="test")
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.query_one(ApprovalBar).state == "approved"
        app.plan_tree.select_task("1.2")
        await pilot.pause()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskEditScreen), "the edit form")
        form = app.screen
        form.query_one("#field-depends", Input).value = "1.1, 9.9"
        await pilot.press("ctrl+s")
        error = str(form.query_one("#edit-error", Static).render())
        assert "unknown task 9.9" in error and app.screen is form  # refused, still open
        assert planned_project.plan_path.read_text() == text

        form.query_one("#field-depends", Input).value = "1.1"
        form.query_one("#field-verify", Input).value = "python -m pytest -q tests"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, TaskEditScreen), "save")
        await wait_for(pilot, lambda: app.query_one(ApprovalBar).state == "stale", "revalidation")
        assert app.session.tasks["1.2"].task.verify == "python -m pytest -q tests"

    plan, _ = load_plan(planned_project.plan_path)
    assert plan.task("1.2").verify == "python -m pytest -q tests"
    assert plan.task("2.1").action == load_plan(DATA / "demo_plan.md")[0].task("2.1").action
    assert not check_approval(planned_project, planned_project.plan_path.read_text()).valid


async def test_a_project_created_in_the_app_is_locked_at_once(tmp_path: Path) -> None:
    """The folder was not a project when the app opened (so not locked): creating it takes
    the lock, and a second writer is refused while the app runs."""
    root = tmp_path / "newproj"
    root.mkdir()
    project = Project.at(root)
    with contextlib.ExitStack() as stack:
        assert lock_for_app(stack, project) == ""  # not a project yet: nothing to lock
        app = make_app(project, lock_project=lambda: lock_for_app(stack, project))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, InitScreen), "the init offer")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.snapshot.initialized, "the project files")
            refused = pytest.raises(ProjectLocked, match="another sago-tui")
            with refused, project_lock(project.planning_dir, "run"):
                pass
    with project_lock(project.planning_dir, "run"):  # the app's exit let it go
        pass
