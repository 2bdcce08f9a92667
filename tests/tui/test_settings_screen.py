"""The settings screen validates, writes sago.toml with tomlkit (comments kept), reloads."""

from __future__ import annotations

import json

from textual.widgets import Input, Static, Switch

from sago_tui.config import load_settings
from sago_tui.core.project import Project
from sago_tui.tui.screens.settings_screen import SettingsScreen, field_id
from tests.tui.helpers import SIZE, loaded, make_app, wait_for

TOML = """# Project settings for textstats.
[run]
# Keep the demo sequential: its tasks share files.
parallel = 1
"""


async def test_settings_save_keeps_comments_and_reloads(demo_project: Project) -> None:
    demo_project.config_path.write_text(TOML)
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "the settings")
        screen = app.screen
        field = screen.query_one(f"#{field_id('run.parallel')}", Input)
        field.value = "0"  # invalid: parallel must be ≥ 1
        await pilot.press("ctrl+s")
        error = screen.query_one(f"#{field_id('run.parallel')}-error", Static)
        assert "expected an integer ≥ 1" in str(error.render())
        assert isinstance(app.screen, SettingsScreen)  # still open, nothing written
        assert demo_project.config_path.read_text() == TOML

        field.value = "3"
        screen.query_one(f"#{field_id('run.max_cost')}", Input).value = "0.5"
        screen.query_one(f"#{field_id('run.auto_retry')}", Switch).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "save")
        await wait_for(pilot, lambda: app.settings.run.parallel == 3, "the settings reload")
        assert app.settings.run.max_cost == 0.5 and app.settings.run.auto_retry
        assert app.cost_table.max_cost == 0.5

    text = demo_project.config_path.read_text()
    assert "# Keep the demo sequential: its tasks share files." in text
    assert "parallel = 3" in text and "max_cost = 0.5" in text and "auto_retry = true" in text
    assert load_settings(demo_project.root).run.parallel == 3


async def test_command_line_flags_survive_a_settings_reload(demo_project: Project) -> None:
    """`sago-tui --parallel 4 .`: saving parallel = 2 does not override the flag."""
    flags: dict[str, object] = {"run.parallel": 4}
    settings = load_settings(demo_project.root, flags=flags)
    app = make_app(demo_project, settings, flags=flags)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.settings.run.parallel == 4
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "the settings")
        app.screen.query_one(f"#{field_id('run.parallel')}", Input).value = "2"
        note = app.screen.query(".field-note").results(Static)
        assert any("flag --parallel" in str(n.render()) for n in note)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "save")
        await pilot.pause()
        assert app.settings.run.parallel == 4
    assert "parallel = 2" in demo_project.config_path.read_text()


async def test_settings_say_how_the_last_run_verified_and_save_the_sandbox_mode(
    demo_project: Project,
) -> None:
    demo_project.traces_dir.mkdir(parents=True)
    start = {
        "event_type": "workflow_start",
        "timestamp": "2026-01-01T00:00:00+00:00",
        "data": {"command": "run", "options": {"sandbox": "bubblewrap (no network)"}},
    }
    run_id = "20260101-000000-ab12"
    (demo_project.traces_dir / f"{run_id}.jsonl").write_text(json.dumps(start) + "\n")
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "the settings")
        notes = [str(s.render()) for s in app.screen.query(".field-note")]
        assert any(f"last run ({run_id}): bubblewrap (no network)" in n for n in notes), notes
        field = app.screen.query_one(f"#{field_id('run.sandbox')}", Input)
        assert field.value == "auto"
        field.value = "sometimes"
        await pilot.press("ctrl+s")
        error = app.screen.query_one(f"#{field_id('run.sandbox')}-error", Static)
        assert "expected one of auto, on, off" in str(error.render())
        field.value = "off"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen), "save")
    assert 'sandbox = "off"' in demo_project.config_path.read_text()
    assert load_settings(demo_project.root).run.sandbox == "off"


async def test_config_warnings_show_inside_the_app(demo_project: Project) -> None:
    """Warnings printed before the app starts are hidden behind its screen: it shows them."""
    (demo_project.root / "sago.toml").write_text(TOML + "paralel = 2\n")
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = [n.message for n in app._notifications if n.title == "sago.toml"]
        assert len(shown) == 1 and "unknown key [run] paralel" in shown[0], shown
        assert "did you mean parallel?" in shown[0]
