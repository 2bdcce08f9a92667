"""Spec drift in the app: the Plan tab's banner, `u`, and the plan-diff review (Pilot).

The update goes through the real engine: litellm → the loopback FakeLLMServer.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from sago_tui.core.plan_keep import task_sources
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.core.spec_snapshot import save_snapshot
from sago_tui.tui.screens.plan_diff_screen import PlanDiffScreen
from sago_tui.tui.widgets.drift_banner import DriftBanner
from tests.llm_server import FakeLLMServer, Reply
from tests.tui.helpers import SIZE, loaded, make_app, wait_for

REQS = "# Requirements\n\n* [ ] **REQ-1:** Greet.\n* [ ] **REQ-2:** Take notes.\n"


def task(task_id: str, name: str, files: str, reqs: str, action: str = "Write it.") -> str:
    return (
        f'    <task id="{task_id}" reqs="{reqs}">\n'
        f"      <name>{name}</name>\n      <files>{files}</files>\n"
        f"      <action>{action}</action>\n      <verify>test -s {files}</verify>\n"
        "      <done>Done.</done>\n    </task>\n"
    )


def plan(*tasks: str) -> str:
    body = '  <phase name="Phase 1: Hello">\n' + "".join(tasks) + "  </phase>\n"
    return f"# PLAN\n\n```xml\n<phases>\n{body}</phases>\n```\n"


PLAN = plan(task("1.1", "Greeter", "hello.py", "REQ-1"), task("1.2", "Notes", "notes.txt", "REQ-2"))


def planned(project: Project) -> Project:
    """``project`` with PLAN.md made from REQS (its spec snapshot recorded)."""
    project.spec_path("REQUIREMENTS.md").write_text(REQS)
    project.plan_path.write_text(PLAN)
    save_snapshot(project)
    return project


async def test_saving_requirements_shows_the_drift_at_once(hello_project: Project) -> None:
    """No drift: no banner and no u. Editing REQUIREMENTS.md and ctrl+s: both appear."""
    app = make_app(planned(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        banner = app.query_one(DriftBanner)
        assert not banner.has_class("-drift") and not app.update_ctl.offered()
        app.task_detail.show("1.2")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.task_detail.query(Static))
        assert "serves REQ-2" in shown  # the task names the requirement it serves

        await pilot.press("1")
        await pilot.click("#spec-tabs Tab#--content-tab-pane-requirements")
        editor = app.spec_editor.editor("REQUIREMENTS.md")
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press(*"* [ ] **REQ-3:** Wave.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: banner.has_class("-drift"), "the drift banner")

        assert banner.summary == "REQ-3 added"
        assert "REQ-3 added" in str(app.status_line.render())
        assert app.update_ctl.offered()


async def test_u_updates_the_plan_after_the_diff_is_approved(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """u → one planner call → the plan diff → y: PLAN.md replaced, kept tasks byte for byte."""
    project = planned(hello_project)
    old_sources = task_sources(PLAN)
    project.spec_path("REQUIREMENTS.md").write_text(REQS + "* [ ] **REQ-3:** Wave.\n")
    llm_server.enqueue(
        Reply(
            content=plan(
                '<keep id="1.1"/>\n', '<keep id="1.2"/>\n', task("1.3", "Wave", "wave.py", "REQ-3")
            )
        )
    )
    app = make_app(project, server_settings(project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.query_one(DriftBanner).summary == "REQ-3 added"
        await pilot.press("2", "u")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDiffScreen), "the plan diff")
        screen = app.screen
        assert isinstance(screen, PlanDiffScreen)
        assert screen.update_proposal.diff.summary() == "1 added, 0 changed, 0 removed, 2 kept"
        assert project.plan_path.read_text() == PLAN  # nothing written before approval

        await pilot.press("y")
        await wait_for(pilot, lambda: not app.engine.busy, "the update job")
        await wait_for(pilot, lambda: "1.3" in app.session.tasks, "the updated plan")

        text = project.plan_path.read_text()
        assert task_sources(text)["1.1"] == old_sources["1.1"]
        assert [t.id for t in load_plan(project.plan_path)[0].tasks] == ["1.1", "1.2", "1.3"]
        assert not app.query_one(DriftBanner).has_class("-drift")
        assert llm_server.request_count == 1
        assert "plan" in llm_server.requests[0].prompt_text.lower()


async def test_n_keeps_the_plan(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """n on the plan diff keeps PLAN.md and the banner; the proposal is saved."""
    project = planned(hello_project)
    project.spec_path("REQUIREMENTS.md").write_text(
        REQS.replace("Take notes.", "Take short notes.")
    )
    llm_server.enqueue(
        Reply(
            content=plan('<keep id="1.1"/>\n', task("1.2", "Notes", "notes.txt", "REQ-2", "Short."))
        )
    )
    app = make_app(project, server_settings(project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2", "u")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDiffScreen), "the plan diff")
        await pilot.press("n")
        await wait_for(pilot, lambda: not app.engine.busy, "the update job")

        assert project.plan_path.read_text() == PLAN
        assert list((project.planning_dir / "raw").glob("plan-*.md"))
        assert app.query_one(DriftBanner).summary == "REQ-2 changed"


async def test_t_shows_each_requirement_with_its_tasks(hello_project: Project) -> None:
    """t lists every requirement, its tasks with their status, and whether it is done."""
    from sago_tui.core.state import StateStore, TaskStatus
    from sago_tui.tui.screens.requirements_screen import RequirementsScreen

    project = planned(hello_project)
    project.spec_path("REQUIREMENTS.md").write_text(REQS + "* [ ] **REQ-3:** Wave.\n")
    StateStore(project.state_path).record("1.1", "Greeter", TaskStatus.PASSED)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2", "t")
        await wait_for(pilot, lambda: isinstance(app.screen, RequirementsScreen), "the list")
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        assert [(r.id, r.done, r.tasks) for r in screen.rows] == [
            ("REQ-1", True, (("1.1", "passed"),)),
            ("REQ-2", False, (("1.2", "pending"),)),
            ("REQ-3", False, ()),
        ]
        text = str(screen.query_one("#requirements-text", Static).render())
        assert "no task covers it" in text and "Requirements: 1/3 done" in str(
            screen.query_one(".dialog-title", Static).render()
        )
        await pilot.press("escape")
        assert not isinstance(app.screen, RequirementsScreen)


def test_the_log_describes_the_requirements_event() -> None:
    from sago_tui.core.spec_events import RequirementsChecked
    from sago_tui.tui.formatting import summary

    rows = [{"id": "REQ-1", "done": True}, {"id": "REQ-2", "done": False}]
    assert summary(RequirementsChecked(requirements=rows)) == "requirements: 1/2 done"


async def test_the_demo_recording_updates_the_plan_in_the_app(demo_project: Project) -> None:
    """The demo's second step offline: u → 5 kept, 1 added → y → PLAN.md has task 4.1."""
    from tests.tui.update_scenes import recorded_plan, spec_changed

    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await spec_changed(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDiffScreen), "the plan diff")
        screen = app.screen
        assert isinstance(screen, PlanDiffScreen)
        assert screen.update_proposal.diff.summary() == "1 added, 0 changed, 0 removed, 5 kept"
        assert screen.update_proposal.warnings == []  # every requirement is covered
        await pilot.press("y")
        await wait_for(pilot, lambda: "4.1" in app.session.tasks, "the updated plan")
        await wait_for(pilot, lambda: not app.engine.busy, "the update job to end")
        assert not app.update_ctl.offered()
    sources = task_sources(demo_project.plan_path.read_text())
    for task_id, source in task_sources(recorded_plan()).items():
        assert sources[task_id] == source
