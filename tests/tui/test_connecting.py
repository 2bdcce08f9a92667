"""Until an answer's first token, the app says it is connecting to the model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets._tabbed_content import ContentTabs

from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.feed_entries import live_content
from sago_tui.tui.widgets.app_tabs import REFRESH_RETRIES, AppTabs
from tests.llm_server import FakeLLMServer, Reply, file_answer
from tests.tui.helpers import SIZE, loaded, make_app, wait_for
from tests.tui.test_approval_flow import PLAN


async def test_plan_generation_shows_a_spinner_until_the_first_token(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
) -> None:
    # The server holds the answer long enough for a loaded machine to look at the screen.
    llm_server.enqueue(Reply(content=file_answer({"PLAN.md": PLAN}), delay=3.0))
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        spinner = app.plan_pane.connecting
        assert not spinner.active
        await pilot.press("g")
        # The first call loads the LLM client: slow on a busy machine (a guard, not a timing).
        await wait_for(pilot, lambda: llm_server.in_flight >= 1, "the plan request", 90)
        # The request is out and no token came back yet: the spinner says so.
        assert app.plan_pane.view == "plan-live"
        assert spinner.active and spinner.display
        assert "connecting to the model…" in str(spinner.render())
        assert app.plan_pane.stream.chars == 0
        await wait_for(pilot, lambda: app.plan_pane.stream.chars > 0, "the first token")
        await wait_for(pilot, lambda: not spinner.active, "the spinner to stop")
        await wait_for(pilot, lambda: not app.engine.busy, "the plan job")
        assert app.session.plan is not None and not spinner.active


def test_a_feed_call_without_text_says_connecting() -> None:
    assert live_content("task", 0, "").plain == "◌ LLM task · connecting to the model…"
    answering = live_content("task", 12, "def main():").plain
    assert "answering… 12 characters" in answering and "connecting" not in answering


async def test_a_hidden_main_widget_does_not_keep_the_event_loop_busy(
    hello_project: Project,
    llm_server: FakeLLMServer,
    server_settings: Callable[[Project], Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the plan streams, the tree (the Plan tab's focus target) is hidden: focus
    is retried a few refreshes, then waits for events, instead of after every refresh
    (which spun the loop and starved the thread importing the LLM client)."""
    attempts = 0
    original = AppTabs._focus

    def counted(self: AppTabs, retries: int) -> None:
        nonlocal attempts
        attempts += 1
        original(self, retries)

    monkeypatch.setattr(AppTabs, "_focus", counted)
    llm_server.enqueue(Reply(content=file_answer({"PLAN.md": PLAN}), delay=3.0))
    app = make_app(hello_project, server_settings(hello_project))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: llm_server.in_flight >= 1, "the plan request", 90)
        assert app.focused is app.query_one(ContentTabs)  # the tree is hidden meanwhile
        before = attempts
        for _ in range(20):  # refreshes happen: the spinner turns
            await pilot.pause(0.05)
        assert attempts - before <= REFRESH_RETRIES
        await wait_for(pilot, lambda: not app.engine.busy, "the plan job")
        await wait_for(pilot, lambda: app.focused is app.plan_tree, "focus on the new plan")
