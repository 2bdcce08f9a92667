"""The key bar rebuilds only when the keys on offer change, and looks as before."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from sago_tui.core.project import Project
from sago_tui.tui.widgets.quick_footer import QuickFooter
from tests.tui.helpers import SIZE, loaded, make_app


async def test_rebuilt_only_when_the_keys_change(
    planned_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(planned_project)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        footer = app.query_one(QuickFooter)
        rebuilds: list[int] = []
        real = footer.recompose

        async def counting(*args: Any, **kwargs: Any) -> None:
            rebuilds.append(1)
            await real(*args, **kwargs)

        monkeypatch.setattr(footer, "recompose", counting)
        for _ in range(3):  # nothing changed: nothing to rebuild
            app.refresh_bindings()
            await pilot.pause()
        assert rebuilds == []
        before = footer.shown_keys(app.screen)
        await pilot.press("4")  # the Log tab offers other keys
        await pilot.pause()
        assert footer.shown_keys(app.screen) != before
        assert rebuilds
        keys = list(footer.query(FooterKey))
        assert keys and all(
            key.has_class("-compact") == (key.has_class("-command-palette") or footer.compact)
            for key in keys
        )
