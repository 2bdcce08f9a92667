"""The demo in the app: start_run opens on the plan's approval, A runs it (replayed LLM)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sago_tui.commands.app_cmd import flags_from_settings
from sago_tui.commands.demo_cmd import DEMO_SOURCE, demo_flags, demo_settings
from sago_tui.core.cassette import load_cassette
from sago_tui.core.demo import DEMO_MODEL, demo_cassette_path
from sago_tui.core.project import Project
from tests.tui.helpers import SIZE, make_app, wait_for


async def test_demo_plans_asks_and_runs(
    demo_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo's verify commands run `python -m pytest`: use this interpreter.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    settings = demo_settings(demo_project, demo_cassette_path(demo_project.root))
    flags = flags_from_settings(settings)
    assert flags == {}  # the demo's sago.toml gives all it needs: no flag was typed
    app = make_app(demo_project, settings, start_run=True, flags=flags)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.awaiting, "the demo's approval request")
        assert app.query_one("#tabs").active == "plan"  # type: ignore[attr-defined]
        assert "press A" in str(app.query_one("#approval-bar").render())  # type: ignore[attr-defined]
        await pilot.press("A")
        await wait_for(pilot, lambda: not app.engine.busy, "the demo run", timeout=90)
        assert app.phase == "passed"
        assert {v.status for v in app.session.tasks.values()} == {"passed"}
        fixed = app.feed.cards["2.1"]
        assert fixed.status == "passed" and "2 attempts" in fixed.head().plain
    assert (demo_project.root / "textstats" / "cli.py").is_file()


def test_demo_settings_show_the_values_used(demo_project: Project) -> None:
    """The model the recording was made with, from sago.toml; no flag nobody gave."""
    cassette = demo_cassette_path(demo_project.root)
    settings = demo_settings(demo_project, cassette)
    assert settings.llm.model == DEMO_MODEL == load_cassette(cassette)[0]
    assert settings.run.auto_retry and settings.llm.replay == cassette
    for key in ("llm.model", "llm.replay", "run.auto_retry"):
        assert settings.sources[key].startswith("sago.toml"), key
    assert not any(source.startswith("flag ") for source in settings.sources.values())
    # A user removed auto_retry from sago.toml: the demo puts it back, and says so.
    toml = demo_project.root / "sago.toml"
    toml.write_text(toml.read_text().replace("auto_retry = true", ""))
    assert demo_flags(demo_project, cassette) == {"run.auto_retry": True}
    settings = demo_settings(demo_project, cassette)
    assert settings.run.auto_retry and settings.sources["run.auto_retry"] == DEMO_SOURCE
