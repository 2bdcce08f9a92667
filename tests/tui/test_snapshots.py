"""Snapshot tests of every screen and state (pytest-textual-snapshot).

Every state at 160×45, the essentials again at 100×30 (a narrow terminal must keep the
header's totals, Help and Quit, the Cost tab's Status and a form's Save button).
Regenerate with ``python -m pytest tests/tui/test_snapshots.py --snapshot-update`` and
review the SVGs in ``__snapshots__/`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sago_tui.core.project import Project
from sago_tui.core.trace import read_trace
from tests.tui import scenes
from tests.tui.helpers import DATA, make_app, make_replay

WIDE = (160, 45)
NARROW = (100, 30)

SnapCompare = Callable[..., bool]


def snap(
    snap_compare: SnapCompare, project: Project, scene: scenes.Scene, size: tuple[int, int] = WIDE
) -> bool:
    return snap_compare(make_app(project), terminal_size=size, run_before=scene)


def test_spec_editor(snap_compare: SnapCompare, demo_project: Project) -> None:
    assert snap(snap_compare, demo_project, scenes.spec_editor)


def test_plan_awaiting_approval(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.plan_awaiting_approval)


def test_run_in_progress(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.run_in_progress)


def test_run_failed_feed(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.run_failed_feed)


def test_run_failed_plan(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.run_failed_plan)


def test_log(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.log_view)


def test_cost_table(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.cost_view)


def test_event_detail_diff(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.event_detail)


def test_help(snap_compare: SnapCompare, demo_project: Project) -> None:
    assert snap(snap_compare, demo_project, scenes.help_screen)


def test_settings(snap_compare: SnapCompare, demo_project: Project) -> None:
    assert snap(snap_compare, demo_project, scenes.settings_screen)


def test_init_offer(snap_compare: SnapCompare, tmp_path: Path) -> None:
    root = tmp_path / "textstats"
    root.mkdir()
    assert snap(snap_compare, Project.at(root), scenes.init_offer)


def test_replay(snap_compare: SnapCompare, tmp_path: Path) -> None:
    (tmp_path / "textstats").mkdir()
    trace = DATA / "demo_run_failed.jsonl"
    app = make_replay(list(read_trace(trace)), "textstats · run 20260115-093000-demo",
                      project=Project.at(tmp_path / "textstats"), trace_path=trace)  # fmt: skip
    assert snap_compare(app, terminal_size=WIDE, run_before=scenes.replay_view)


def test_narrow_run_in_progress(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.run_in_progress, NARROW)


def test_narrow_plan_awaiting_approval(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.plan_awaiting_approval, NARROW)


def test_narrow_cost_table(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.cost_view, NARROW)


def test_narrow_help(snap_compare: SnapCompare, demo_project: Project) -> None:
    assert snap(snap_compare, demo_project, scenes.help_screen, NARROW)


def test_narrow_task_edit(snap_compare: SnapCompare, planned_project: Project) -> None:
    assert snap(snap_compare, planned_project, scenes.task_edit, NARROW)
