"""Screenshots of the app for the README, taken from the real app in a virtual terminal.

    python screenshots/make_screenshots.py           # from the repository root
    python screenshots/make_screenshots.py 10-replay # only the shots named

Each state is reached like the snapshot tests reach it (tests/tui/scenes.py): the app
opens on a fresh copy of the demo project and recorded engine events are replayed
into it; the replay shot opens ``sago-tui trace --demo``'s sample run in the replay
app. ``App.save_screenshot()`` writes the SVG; Chromium (Debian:
``apt-get install chromium``) renders it to PNG with ``--headless --screenshot``.
Without Chromium only the SVGs are written.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sago_tui.commands.trace_cmd import sample_records  # noqa: E402
from sago_tui.core.demo import prepare_demo  # noqa: E402
from sago_tui.core.project import Project  # noqa: E402
from tests.tui import scenes  # noqa: E402
from tests.tui.helpers import DATA, SIZE, make_app, make_replay  # noqa: E402
from tests.tui.test_history import with_traces  # noqa: E402
from tests.tui.test_snapshots_history import run_picker, side_by_side_diff  # noqa: E402

OUT = Path(__file__).resolve().parent
SHOTS: tuple[tuple[str, scenes.Scene, bool], ...] = (
    ("01-spec-editor", scenes.spec_editor, False),
    ("02-plan-approval", scenes.plan_awaiting_approval, True),
    ("03-run-feed", scenes.run_in_progress, True),
    ("04-log", scenes.log_view, True),
    ("05-cost", scenes.cost_view, True),
    ("06-failed-task", scenes.run_failed_plan, True),
    ("07-diff", scenes.event_detail, True),
    ("08-help", scenes.help_screen, True),
)
REPLAY_SHOT = "10-replay"  # 09 is the HTML export, taken in a browser
# Reopened after a run, with past runs in .planning/traces/; syntax colour on.
HISTORY_SHOTS: tuple[tuple[str, scenes.Scene], ...] = (
    ("11-past-runs", run_picker),
    ("12-side-by-side", side_by_side_diff),
)
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def browser() -> str | None:
    """A Chromium binary, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def to_png(svg: Path, png: Path, chrome: str) -> None:
    """Render ``svg`` at its own size (and 2x pixel density) with headless Chromium."""
    text = svg.read_text(encoding="utf-8")
    match = _VIEWBOX.search(text)
    if match is None:
        raise SystemExit(f"{svg}: no viewBox")
    width, height = (round(float(v)) for v in match.groups())
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "shot.html"
        page.write_text(f'<html><body style="margin:0">{text}</body></html>', encoding="utf-8")
        subprocess.run(
            [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--force-device-scale-factor=2", f"--window-size={width},{height}",
             f"--screenshot={png}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


async def shoot(name: str, scene: scenes.Scene, planned: bool) -> Path:
    """Open the app on a fresh demo project, play ``scene``, save the SVG."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "textstats"
        prepare_demo(root)
        if planned:
            shutil.copy(DATA / "demo_plan.md", root / "PLAN.md")
        app = make_app(Project.at(root))
        async with app.run_test(size=SIZE) as pilot:
            await scene(pilot)
            await pilot.pause()
            path = Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))
    return path


async def shoot_history(name: str, scene: scenes.Scene) -> Path:
    """A demo project that has run (traces kept), opened with syntax colour."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "textstats"
        prepare_demo(root)
        shutil.copy(DATA / "demo_plan.md", root / "PLAN.md")
        project = Project.at(root)
        with_traces(project)
        app = make_app(project, syntax_highlight=True)
        async with app.run_test(size=SIZE) as pilot:
            await scene(pilot)
            await pilot.pause()
            path = Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))
    return path


async def shoot_replay(name: str) -> Path:
    """``sago-tui trace --demo`` once the sample run is in (no pacing: a still image)."""
    app = make_replay(sample_records(), "sago-tui demo · textstats (sample run)")
    async with app.run_test(size=SIZE) as pilot:
        await scenes.replay_view(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))


def main() -> None:
    chrome = browser()
    wanted = set(sys.argv[1:])
    jobs: list[tuple[str, Callable[[], Coroutine[Any, Any, Path]]]] = [
        (name, partial(shoot, name, scene, planned)) for name, scene, planned in SHOTS
    ]
    jobs.append((REPLAY_SHOT, partial(shoot_replay, REPLAY_SHOT)))
    jobs += [(name, partial(shoot_history, name, scene)) for name, scene in HISTORY_SHOTS]
    for name, job in jobs:
        if wanted and name not in wanted:
            continue
        svg = asyncio.run(job())
        if chrome:
            to_png(svg, svg.with_suffix(".png"), chrome)
        print(f"{svg.name}{' + .png' if chrome else ''}")
    if chrome is None:
        print("no Chromium found: PNGs not written (apt-get install chromium)")


if __name__ == "__main__":
    main()
