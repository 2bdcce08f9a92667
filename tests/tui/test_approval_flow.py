"""Plan → review → run through the real engine (litellm → loopback FakeLLMServer)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from textual.widgets import Input

from sago_tui.core.approval import load_approval
from sago_tui.core.events import FileWritten, PlanApproved, VerifyRan
from sago_tui.core.plan import plan_hash
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.screens.confirm_screen import ConfirmScreen
from sago_tui.tui.screens.task_edit_screen import TaskEditScreen
from sago_tui.tui.widgets.approval_bar import ApprovalBar
from sago_tui.tui.widgets.event_log import EventLog
from sago_tui.tui.widgets.plan_stream import PlanStream
from tests.llm_server import FakeLLMServer, Reply, file_answer
from tests.tui.helpers import SIZE, loaded, make_app, wait_for

PLAN = """# PLAN

```xml
<phases>
  <phase name="Phase 1: Greeting">
    <description>Say hello.</description>
    <task id="1.1">
      <name>Write the greeter</name>
      <files>hello.py</files>
      <action>Write greet() returning 'hi'.</action>
      <verify>grep -q "def greet" hello.py</verify>
      <done>hello.py defines greet.</done>
    </task>
    <task id="1.2">
      <name>Write the notes</name>
      <files>notes.txt</files>
      <action>Write a short note.</action>
      <verify>test -s notes.txt</verify>
      <done>notes.txt is not empty.</done>
    </task>
  </phase>
</phases>
```
"""
GREETER = "def greet():\n    return 'hi'\n"


def plan_reply(plan: str = PLAN) -> Reply:
    return Reply(content=file_answer({"PLAN.md": plan}))


async def test_review_skip_and_run(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """r plans and asks for approval; a/s review; r runs: statuses, Feed, approval.json."""
    llm_server.enqueue(plan_reply(), Reply(content=file_answer({"hello.py": GREETER})))
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.plan_pane.view == "plan-empty"
        await pilot.press("r")
        await wait_for(pilot, lambda: app.awaiting, "the approval request")
        assert app.plan_pane.query_one(PlanStream).chars > 0  # the plan streamed in
        assert app.query_one(ApprovalBar).state == "pending"
        assert app.phase == "awaiting"
        assert list(app.session.tasks) == ["1.1", "1.2"]

        await pilot.press("a")  # approve 1.1; the cursor moves on to 1.2
        await pilot.press("s")  # skip 1.2
        assert app.session.tasks["1.1"].mark == "approved"
        assert app.session.tasks["1.2"].mark == "skipped"
        assert app.plan_tree.label_of("1.2").startswith("⊘")

        await pilot.press("r")  # run what was reviewed: r asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.click("#run")
        await wait_for(pilot, lambda: not app.engine.busy, "the run to finish")
        await wait_for(pilot, lambda: app.phase == "passed", "the run's result")

        assert app.session.tasks["1.1"].status == "passed"
        assert app.session.tasks["1.2"].status == "skipped"
        assert app.plan_tree.label_of("1.1").startswith("✔ 1.1")
        assert app.session.progress == (2, 2)
        card = app.feed.cards["1.1"]
        written = [e for e in card.entry_events if isinstance(e, FileWritten)]
        assert [w.path for w in written] == ["hello.py"]
        assert card.status == "passed"
        assert app.query_one(EventLog).count > 10
        assert any(isinstance(e, PlanApproved) for e in app.feed.cards[""].entry_events)

    assert (hello_project.root / "hello.py").read_text() == GREETER
    assert not (hello_project.root / "notes.txt").exists()
    approval = load_approval(hello_project)
    assert approval is not None and approval.skipped == frozenset({"1.2"})
    assert approval.plan_hash == plan_hash(hello_project.plan_path.read_text())
    assert llm_server.request_count == 2  # the plan and task 1.1; 1.2 was skipped
    assert llm_server.requests[0].stream


async def test_feedback_regenerates_then_stop_answers_not_approved(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """f sends feedback to the waiting orchestrator; x resolves the future as not approved."""
    revised = PLAN.replace("Write the notes", "Write the release notes")
    llm_server.enqueue(plan_reply(), plan_reply(revised))
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.awaiting, "the approval request")
        first = app.plan_ctl.future

        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen.id != "_default", "the feedback dialog")
        await pilot.press(*"Split the notes")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.awaiting and app.plan_ctl.future is not first,
                       "the second approval request")  # fmt: skip
        assert app.session.tasks["1.2"].task.name == "Write the release notes"
        assert "Split the notes" in llm_server.requests[1].prompt_text

        await pilot.press("x")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, "the stop confirmation")
        await pilot.click("#stop")
        await wait_for(pilot, lambda: not app.engine.busy, "the job to end")
        await wait_for(pilot, lambda: app.phase == "stopped", "the stopped state")
        assert not app.awaiting

    assert llm_server.request_count == 2  # no task ran
    assert not (hello_project.root / "hello.py").exists()
    assert load_approval(hello_project) is None


async def test_rerun_failed_runs_only_the_failed_task(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """A task fails its verify; R runs Orchestrator.run(only=[its id]) and it passes."""
    broken = "def hello():\n    return 'hi'\n"
    notes = "Remember to wave.\n"
    llm_server.enqueue(
        plan_reply(),
        Reply(content=file_answer({"hello.py": broken})),  # 1.1 fails: no greet()
        Reply(content=file_answer({"notes.txt": notes})),  # 1.2 (independent) passes
        Reply(content=file_answer({"hello.py": GREETER})),  # the re-run of 1.1
    )
    settings = server_settings(hello_project)
    settings = dataclasses.replace(
        settings, run=dataclasses.replace(settings.run, continue_on_failure=True)
    )
    app = make_app(hello_project, settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.awaiting, "the approval request")
        await pilot.press("A")
        await wait_for(pilot, lambda: app.phase == "failed", "the failed run")
        assert app.session.failed_ids() == ["1.1"]
        assert app.feed.cards["1.1"].status == "failed"

        await pilot.press("R")
        await wait_for(pilot, lambda: app.phase == "passed", "the re-run")
        assert app.session.tasks["1.1"].status == "passed"
        assert app.session.progress == (1, 1)  # only the failed task was in scope

    assert llm_server.request_count == 4  # plan, 1.1, 1.2, then 1.1 again (not 1.2)
    assert "greet" in (hello_project.root / "hello.py").read_text()
    assert (hello_project.root / "notes.txt").read_text() == notes


async def test_edit_during_approval_is_what_runs(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    """A task edited while the run waits for approval runs as edited (PLAN.md is re-read)."""
    llm_server.enqueue(plan_reply(), Reply(content=file_answer({"hello.py": GREETER})))
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.awaiting, "the approval request")
        app.plan_tree.select_task("1.2")
        await pilot.pause()
        await pilot.press("s")  # skip 1.2; the cursor stays on the last task
        app.plan_tree.select_task("1.1")
        await pilot.pause()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskEditScreen), "the edit form")
        app.screen.query_one("#field-verify", Input).value = "test -s hello.py"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, TaskEditScreen), "the save")
        assert app.awaiting  # still waiting: editing is part of the review
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.click("#run")
        await wait_for(pilot, lambda: app.phase == "passed", "the run")
        verified = [e for e in app.feed.cards["1.1"].entry_events
                    if isinstance(e, VerifyRan)]  # fmt: skip
        assert [v.command for v in verified] == ["test -s hello.py"]
    approval = load_approval(hello_project)
    assert approval is not None
    assert approval.plan_hash == plan_hash(hello_project.plan_path.read_text())
