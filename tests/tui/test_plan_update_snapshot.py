"""Snapshot of the plan-diff review and the drift banner (pytest-textual-snapshot).

Regenerate with ``python -m pytest tests/tui/test_plan_update_snapshot.py --snapshot-update``
and review the SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from sago_tui.core.drift import detect_drift
from sago_tui.core.plan_diff import diff_plans
from sago_tui.core.plan_parser import load_plan, parse_plan
from sago_tui.core.plan_update import PlanUpdate
from sago_tui.core.plan_validate import PlanIssue
from sago_tui.core.project import Project
from sago_tui.tui.app import SagoApp
from sago_tui.tui.screens.plan_diff_screen import PlanDiffScreen
from tests.tui.helpers import SIZE, loaded, make_app, wait_for
from tests.tui.test_plan_update import PLAN, REQS, plan, planned, task

NEW = plan(
    task("1.1", "Greeter", "hello.py", "REQ-1"),
    task("1.2", "Notes", "notes.txt", "REQ-2", "Write short notes, one line each."),
    task("1.3", "Wave", "wave.py", "REQ-3"),
)


async def review_scene(pilot: Pilot[Any]) -> None:
    """The Plan tab with its drift banner, under the plan diff of a proposed update."""
    app = pilot.app
    assert isinstance(app, SagoApp)
    await loaded(pilot)
    await wait_for(pilot, lambda: app.query_one("#drift-banner").has_class("-drift"), "drift")
    project = app.project
    old, _ = load_plan(project.plan_path)
    new, _ = parse_plan(NEW)
    drift = detect_drift(project)
    assert drift
    warning = PlanIssue("warning", "<verify> of 1.3 only checks that wave.py exists")
    update = PlanUpdate(drift, old, new, NEW, diff_plans(old, new, project.root), [warning])
    app.push_screen(PlanDiffScreen(update))
    await pilot.pause()


def test_plan_diff_review(snap_compare: Callable[..., bool], hello_project: Project) -> None:
    project = planned(hello_project)
    (project.root / "hello.py").write_text("print('hi')\n")
    project.spec_path("REQUIREMENTS.md").write_text(
        REQS.replace("Take notes.", "Take short notes.") + "* [ ] **REQ-3:** Wave.\n"
    )
    assert PLAN in project.plan_path.read_text()
    assert snap_compare(make_app(project), terminal_size=SIZE, run_before=review_scene)
