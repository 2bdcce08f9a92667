"""What each entry point may import (DESIGN.md §2, ARCHITECTURE.md "Rules").

Each check runs in a fresh interpreter, because this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sago_tui.core.demo import prepare_demo
from tests.subprocess_env import isolated_env

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in ("textual", "litellm", "tiktoken") if m in sys.modules)))
"""


def loaded_after(body: str, tmp_path: Path) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running ``body``."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        capture_output=True,
        text=True,
        timeout=120,
        env=isolated_env(tmp_path / "home"),
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    loaded: list[str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_neither_textual_nor_litellm(tmp_path: Path) -> None:
    assert loaded_after("import sago_tui, sago_tui.cli", tmp_path) == []


def test_help_loads_neither_textual_nor_litellm(tmp_path: Path) -> None:
    body = (
        "from sago_tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['run', '--help'])\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(body, tmp_path) == []


def test_the_engine_never_imports_textual(tmp_path: Path) -> None:
    core = Path(__file__).parents[2] / "sago_tui" / "core"
    modules = sorted(p.stem for p in core.glob("*.py") if p.stem != "__init__")
    body = "\n".join(f"import sago_tui.core.{name}" for name in modules)
    loaded = loaded_after(body, tmp_path)
    assert "textual" not in loaded
    assert "litellm" not in loaded, "litellm must wait for the first live LLM call"


@pytest.mark.parametrize("argv", [["status", "-p", "{dir}"], ["run", "-p", "{dir}", "--dry-run"]])
def test_status_and_dry_run_load_neither(tmp_path: Path, argv: list[str]) -> None:
    demo = tmp_path / "demo"
    prepare_demo(demo)
    (demo / "PLAN.md").write_text(
        "```xml\n<phases><phase name='P'><task id='1.1'><name>n</name><files>a.py</files>"
        "<action>write a.py</action><verify>true</verify><done>d</done></task></phase>"
        "</phases>\n```\n",
        encoding="utf-8",
    )
    args = [a.replace("{dir}", str(demo)) for a in argv]
    body = f"from sago_tui.cli import main\nassert main({args!r}) == 0"
    # The dry run counts tokens with tiktoken; nothing needs Textual or litellm.
    expected = ["tiktoken"] if "--dry-run" in argv else []
    assert loaded_after(body, tmp_path) == expected


def test_a_headless_replayed_run_never_loads_textual_or_litellm(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    prepare_demo(demo)
    body = f"from sago_tui.cli import main\nassert main(['--headless', {str(demo)!r}]) == 0"
    loaded = loaded_after(body, tmp_path)
    assert "textual" not in loaded
    assert "litellm" not in loaded, "a replayed run makes no live call"


def test_the_app_never_imports_the_command_modules() -> None:
    """The TUI is a front end beside commands/, not on top of it (shared code lives in core/
    or export/); checked on the source, so a lazy import inside a function counts too."""
    tui = Path(__file__).parents[2] / "sago_tui" / "tui"
    offenders = [
        str(path.relative_to(tui))
        for path in sorted(tui.rglob("*.py"))
        if "sago_tui.commands" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
