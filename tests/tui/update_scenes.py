"""The demo's second step in the app, reached deterministically (tests and screenshots).

The demo project (``textstats``) is planned from the recording, the plan's spec snapshot
is kept, then REQ-4 is added to REQUIREMENTS.md: the Plan tab shows the drift banner and
``u`` asks the recording for the update, which the plan-diff review then shows.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from sago_tui.core.demo import build_cassette
from sago_tui.core.drift import detect_drift
from sago_tui.core.plan_diff import diff_plans
from sago_tui.core.plan_keep import expand_keeps, task_sources
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.plan_update import PlanUpdate
from sago_tui.core.plan_writer import render_plan
from sago_tui.core.spec_snapshot import save_snapshot
from sago_tui.tui.app import SagoApp
from sago_tui.tui.screens.plan_diff_screen import PlanDiffScreen
from tests.tui.helpers import loaded, wait_for

REQ_4 = "* [ ] **REQ-4:** `reading_time(text, wpm=200)` gives the minutes to read it\n"


def recorded_plan() -> str:
    """The demo's first PLAN.md, as the recording answers it."""
    interactions = build_cassette()["interactions"]
    return next(i["response"]["content"] for i in interactions if i["purpose"] == "plan")  # type: ignore[attr-defined, index]


async def spec_changed(pilot: Pilot[Any]) -> SagoApp:
    """The demo planned, then REQ-4 added: the Plan tab with its drift banner."""
    app = pilot.app
    assert isinstance(app, SagoApp)
    await loaded(pilot)
    project = app.project
    project.plan_path.write_text(recorded_plan(), encoding="utf-8")
    save_snapshot(project)
    with project.spec_path("REQUIREMENTS.md").open("a", encoding="utf-8") as spec:
        spec.write(REQ_4)
    app.reload_project()
    await wait_for(pilot, lambda: app.update_ctl.offered(), "the drift banner")
    await loaded(pilot)
    app.update_ctl.spec_saved("REQUIREMENTS.md")  # what saving it in the Spec tab says
    app.show_tab("plan")
    return app


def recorded_update(app: SagoApp) -> PlanUpdate:
    """The recording's plan update for the drifted demo, checked as the engine checks it."""
    interactions = build_cassette()["interactions"]
    answer = next(
        i["response"]["content"]
        for i in interactions
        if i["purpose"] == "plan_update"  # type: ignore[attr-defined, index]
    )
    old_text = app.project.plan_path.read_text(encoding="utf-8")
    old, _ = parse_plan(old_text)
    new, warnings = parse_plan(expand_keeps(answer, task_sources(old_text)).text)
    drift = detect_drift(app.project)
    assert drift
    diff = diff_plans(old, new, app.project.root)
    return PlanUpdate(drift, old, new, render_plan(new), diff, warnings)


async def plan_update_review(pilot: Pilot[Any]) -> None:
    """The drifted demo under the plan-diff review of the recorded update (no job runs)."""
    app = await spec_changed(pilot)
    app.push_screen(PlanDiffScreen(recorded_update(app)))
    await wait_for(pilot, lambda: isinstance(app.screen, PlanDiffScreen), "the plan diff")
    await pilot.pause()
